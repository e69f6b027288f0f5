"""The contract between `seed_demo` and the apps that add demo data.

An app adds demo data with a module `sasaeai/<app>/demo.py` defining
`seed(town: DemoTown) -> dict[str, int]` (counts of what it created). It must be
deterministic for `town.seed` (draw only from `town.rng(...)`) and idempotent: a
second call adds nothing (use natural keys / `demo_key` columns).
"""

import random
from dataclasses import dataclass, field

from sasaeai.tenancy.models import Area, Municipality


@dataclass
class DemoTown:
    municipality: Municipality
    areas: list[Area]  # the layer-2 areas, ordered by name
    seed: int
    scale: str  # "small" | "city" | "large"
    extra: dict = field(default_factory=dict)

    def rng(self, purpose: str) -> random.Random:
        """An independent, reproducible random stream per purpose."""
        return random.Random(f"{self.seed}:{self.scale}:{purpose}")
