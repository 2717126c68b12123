"""Conditions: the run goes on along 'true' or 'false'."""
from builder import schemas as s
from builder.node_type import NodeType, declare


def _condition_rules(config, scope, add) -> None:
    if not config["rules"]:
        add("warning", "config.rules", "a condition without rules is always true")


declare(
    NodeType(type="condition", kind="condition", label="Condition", icon="git-branch",
             help="Goes on along 'true' or 'false'.", ports=("true", "false"),
             summary=("if {rules:rules}", "no rules: always true"), rules=(_condition_rules,),
             fields={"match": s.choice("Match", ("all", "any"), "all"), "rules": s.condition_rules("Rules")}),
)
