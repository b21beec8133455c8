"""Agents of mxstab: one module per agent kind."""
