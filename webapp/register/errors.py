"""What a register provider raises when it cannot answer."""


class RegisterUnavailable(Exception):
    """The register cannot be queried right now (tables missing, database down, remote API down)."""
