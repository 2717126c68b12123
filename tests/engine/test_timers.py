"""The alarm fires on time, costs one job per due second, and never drops a burst."""
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from engine.timers import Alarm


class Recorder:
    def __init__(self):
        self.times = []
        self.fired = threading.Event()

    def wake(self):
        self.times.append(datetime.now(timezone.utc))
        self.fired.set()


@pytest.fixture
def alarm_with():
    alarms = []

    def make(upcoming=lambda until: [], sweep=60.0):
        recorder = Recorder()
        alarm = Alarm(recorder.wake, upcoming, sweep=sweep)
        alarm.start()
        alarms.append(alarm)
        recorder.fired.wait(2)  # the first sweep runs at start
        recorder.fired.clear()
        return alarm, recorder

    yield make
    for alarm in alarms:
        alarm.stop()


def test_reminder_fires_within_a_fraction_of_a_second_of_due(alarm_with):
    alarm, recorder = alarm_with()
    due = datetime.now(timezone.utc) + timedelta(seconds=1.55)
    alarm.remind(due)
    assert recorder.fired.wait(4)
    assert timedelta(0) <= recorder.times[-1] - due < timedelta(seconds=0.5)


def test_a_burst_on_one_second_costs_at_most_ten_jobs(alarm_with):
    alarm, _ = alarm_with()
    due = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=30)
    for i in range(2000):
        alarm.remind(due + timedelta(microseconds=i * 450))
    assert alarm.job_count() == 1 + 10  # the sweep and one wake per tenth of a second


def test_beyond_the_window_waits_for_the_sweep(alarm_with):
    alarm, _ = alarm_with()
    alarm.remind(datetime.now(timezone.utc) + timedelta(hours=2))
    assert alarm.job_count() == 1


def test_sweep_schedules_what_the_database_knows(alarm_with):
    soon = datetime.now(timezone.utc) + timedelta(seconds=1.5)
    alarm, recorder = alarm_with(upcoming=lambda until: [soon])  # the next sweep is a minute away
    assert recorder.fired.wait(4)
    assert recorder.times[-1] >= soon


def test_an_overdue_reminder_fires_at_once(alarm_with):
    alarm, recorder = alarm_with()
    started = time.monotonic()
    alarm.remind(datetime.now(timezone.utc) - timedelta(minutes=10))
    assert recorder.fired.wait(3) and time.monotonic() - started < 2
