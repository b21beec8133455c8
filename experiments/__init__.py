"""The mxstab command, runs, sweeps and reproducibility specs."""
