"""The model: data, the static world, the rules, and the Mesa model that wires them to the agents.

Imports run one way (checked by `lint-imports`): data → config and streams → world → rules →
agents (`mxstab.agents`) → the model → viz → experiments.
"""
