"""The world and the rules: grid, data layer, Mesa model, kernels."""
