"""Wiring: settings, the CLI and the Prefect flows that join `extract` and `storage`."""
