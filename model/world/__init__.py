"""The static world: the grid, the states and their people, the sea lanes and the roads, the
armed groups as reported, and the dated record. Built from `model/data/` and never changed by a
run."""
