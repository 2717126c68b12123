"""The reference for engine throughput: SpiffWorkflow running the same workflow as BPMN, in memory.

The BPMN files in benchmarks/bpmn/ spell the benchmark workflows as BPMN processes. Each run starts from an
"event" (a record as a dict), and after every step of the diagram (each completed task with a BPMN id; not
SpiffWorkflow's hidden Start/EndJoin/End bookkeeping) the whole workflow state is serialised with
SpiffWorkflow's own JSON serializer, as an application persisting it would. Nothing touches a database: this
is what an in-memory BPMN engine costs per run, the serialisation included.

SpiffWorkflow is a benchmark-only dependency (the `bench` extra; `make bench` installs it).
"""
import time
from pathlib import Path

BPMN = Path(__file__).resolve().parent / "bpmn"


def available() -> bool:
    try:
        import SpiffWorkflow  # noqa: F401
    except ImportError:
        return False
    return True


def load(process_id: str):
    """The parsed (and schema-validated) process `process_id` from benchmarks/bpmn/<process_id>.bpmn."""
    from SpiffWorkflow.bpmn.parser import BpmnParser, BpmnValidator

    parser = BpmnParser(validator=BpmnValidator())
    parser.add_bpmn_file(str(BPMN / f"{process_id}.bpmn"))
    return parser.get_spec(process_id)


def run_once(spec, serializer, record: dict) -> list[str]:
    """One run to its end; returns the BPMN ids of the steps taken (the state was serialised after each)."""
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.util.task import TaskState

    workflow = BpmnWorkflow(spec)
    workflow.get_next_task(state=TaskState.READY).set_data(record=record, notifications=[])
    steps = []

    def save(task):
        if task.task_spec.bpmn_id:
            steps.append(task.task_spec.bpmn_id)
            serializer.serialize_json(workflow)

    # A 0 s timer fires on the refresh at the end of do_engine_steps; the next call moves past it.
    for _ in range(100):
        if workflow.is_completed():
            return steps
        workflow.do_engine_steps(did_complete_task=save)
    raise RuntimeError(f"{spec.name} did not complete: stuck after {steps}")


def runs_per_second(process_id: str, runs: int) -> tuple[float, int]:
    """Runs/s of `process_id` started from `runs` events, and the number of steps each run took."""
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer

    spec, serializer = load(process_id), BpmnWorkflowSerializer()
    records = [{"name": f"d{i}", "amount": 500, "tags": []} for i in range(runs)]
    started = time.perf_counter()
    for record in records:
        steps = run_once(spec, serializer, record)
    return runs / (time.perf_counter() - started), len(steps)


if __name__ == "__main__":
    for name in ("three_node", "eight_node"):
        rate, steps = runs_per_second(name, 500)
        print(f"{name}: {rate:.0f} runs/s, {steps} serialised steps per run")
