"""A cap on the work of one auto-arrange, so that no graph, however tangled, ties up a request.

Work is counted in units (edge pairs looked at, nodes moved), not in seconds: the same graph always gets
the same layout, however busy the machine. Workflow-shaped graphs of 500 nodes stay far below the cap; a
dense graph whose long edges cross many layers reaches it and gets a layout that is less polished.

A deadline in seconds of this thread's CPU time stands behind the count, for a machine slower than the count
assumes: past it the layout stops improving as well (`timed_out` says so), and is then no longer reproducible.
(CPU time, not wall-clock time: other work on a busy machine neither cuts a layout short nor makes it vary.)
"""
import time

# About 2 s of one core of this machine (docs/PERFORMANCE.md); workflow-shaped graphs of 500 nodes use a
# tenth of it.
WORK_LIMIT = 12_000_000
DEADLINE_SECONDS = 2.0
CLOCK_EVERY = 16  # looks at the budget between two looks at the clock (which costs as much as a node's work)


class Budget:
    def __init__(self, seconds: float = DEADLINE_SECONDS):
        self.left = WORK_LIMIT
        self.deadline = time.thread_time() + seconds
        self.timed_out = False
        self.looks = 0

    def spend(self, units: int) -> None:
        self.left -= units

    @property
    def spent(self) -> bool:
        self.looks += 1
        if self.looks % CLOCK_EVERY == 0:
            self.look_at_clock()
        return self.left <= 0 or self.timed_out

    def look_at_clock(self) -> bool:
        """Whether the deadline has passed, read from the clock now."""
        if not self.timed_out and time.thread_time() > self.deadline:
            self.timed_out = True
        return self.timed_out
