"""Conditions: the run goes on along 'true' or 'false', or down one branch of a random split."""
from builder import schemas as s
from builder.node_type import NodeType, PortsFrom, declare


def _condition_rules(config, scope, add) -> None:
    if not config["rules"]:
        add("warning", "config.rules", "a condition without rules is always true")


declare(
    NodeType(type="condition", kind="condition", label="Condition", icon="git-branch",
             help="Goes on along 'true' or 'false'.", ports=("true", "false"),
             summary=("if {rules:rules}", "no rules: always true"), rules=(_condition_rules,),
             fields={"match": s.choice("Match", ("all", "any"), "all"), "rules": s.condition_rules("Rules")}),
    NodeType(type="random_split", kind="condition", label="Random split", icon="shuffle",
             help="Sends each record down one branch by weight (an A/B test); the same record always takes the "
                  "same branch.",
             ports=PortsFrom("branches", item="name", noun="branch"), summary=("split {branches:weights}",),
             fields={"branches": s.branches("Branches", description=(
                 "2 to 5 branches; the weights are percentages adding up to 100"))}),
)
