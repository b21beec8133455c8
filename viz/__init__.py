"""The Solara app and the maps it shares with the command line."""
