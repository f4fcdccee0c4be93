"""Pins on the durable-rules behaviours the engine wrapper relies on."""
