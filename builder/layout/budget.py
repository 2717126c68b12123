"""A cap on the work of one auto-arrange, so that no graph, however tangled, ties up a request.

Work is counted in comparisons (edge pairs looked at), not in seconds: the same graph always gets the
same layout, however busy the machine. Workflow-shaped graphs of 500 nodes stay far below the cap; a
dense graph whose long edges cross many layers reaches it and gets a layout that is less polished.
"""

# About 2 s of one core of this machine (docs/PERFORMANCE.md); workflow-shaped graphs of 500 nodes use a
# tenth of it.
WORK_LIMIT = 12_000_000


class Budget:
    def __init__(self):
        self.left = WORK_LIMIT

    def spend(self, units: int) -> None:
        self.left -= units

    @property
    def spent(self) -> bool:
        return self.left <= 0
