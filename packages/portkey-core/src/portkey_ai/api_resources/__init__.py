"""The official `portkey-ai` SDK's `portkey_ai.api_resources` package path, kept for code that imports from it.

Only `portkey_ai.api_resources.exceptions` is provided here; everything else is imported from `portkey_ai`.
"""
