"""A key seeded in the emulator for the control-plane conformance tests."""

from __future__ import annotations

from langchain_gradient.emulator import GradientEmulator


def seed_key(emulator: GradientEmulator, name: str = "made-in-test") -> str:
    """A model access key made in the emulator's state (creation through the API is
    retired: DigitalOcean answers 410 Gone)."""
    import uuid

    from langchain_gradient.emulator.keys import KeyPolicy, new_secret

    key_uuid = str(uuid.uuid4())
    secret = new_secret()
    emulator.state.api_keys[key_uuid] = {
        "uuid": key_uuid,
        "name": name,
        "created_at": "2026-01-01T00:00:00Z",
        "created_by": "test",
        "secret_key": secret,
    }
    emulator.state.keys.add(secret, KeyPolicy(name=name))
    return key_uuid
