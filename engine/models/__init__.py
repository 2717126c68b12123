"""The engine's tables: runs, their steps and messages, human tasks, secrets, trigger fires, workers, rotation
turns, failure alerts."""
from engine.models.alerts import AlertDigest, FailureAlert
from engine.models.fires import TriggerFire
from engine.models.rotations import RotationCounter
from engine.models.runs import Enrollment, Message, Run, Step
from engine.models.secrets import Secret
from engine.models.tasks import HumanTask
from engine.models.workers import WorkerBeat

__all__ = ["AlertDigest", "Enrollment", "FailureAlert", "HumanTask", "Message", "RotationCounter", "Run", "Secret",
           "Step", "TriggerFire", "WorkerBeat"]
