import pytest

from builder.cron import cron_problem


@pytest.mark.parametrize("expression", ["0 9 * * 1-5", "*/15 9-17 * * mon-fri", "0 0 1 jan,jul *", "5/10 * * * *",
                                        "0 0 * * 7", "0 12 29 2 *", "0,30 8-18/2 * * sun"])
def test_valid(expression):
    assert cron_problem(expression) is None


@pytest.mark.parametrize("expression, words", [
    ("* * * *", "5 fields"), ("0 9 * * 1-5 2026", "5 fields"), ("@daily", "5 fields"), ("61 * * * *", "minute"),
    ("0 24 * * *", "hour"), ("0 0 0 * *", "day of month"), ("0 0 * 13 *", "month"), ("0 0 * * 8", "day of week"),
    ("*/0 * * * *", "step"), ("5-1 * * * *", "backwards"), ("0 0 * * funday", "day of week"),
    ("0 9 31 2 *", "never"), ("", "five fields"), (None, "five fields")])
def test_invalid_names_the_field(expression, words):
    assert words in cron_problem(expression)
