"""Named scenarios: TOML files of lever values applied from `policy.start`."""
