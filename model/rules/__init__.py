"""The rules of the model: one module per rule, each a set of small functions over arrays (no
model, no agents). Agents call them on their own state; docs/ODD.md describes each."""
