"""What kind of world to draw: the shares and intensities of each ordinary behaviour, with realistic defaults.

The defaults aim at what a city bureau's settlement data looks like, not at
what makes detection easy. Each default is a named constant with the reason
for its value; :class:`WorldSettings` gathers them, checks them and goes into
``truth.json`` as ``settings``.

>>> WorldSettings(mobility=0.3).mobility
0.3
>>> WorldSettings(pooling=1.5)  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
ConfigError: pooling must be a share between 0 and 1, not 1.5
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

from graphfraud.errors import ConfigError

DIFFICULTIES = ("burst", "stealth")

# 2020 census: 26.6 % of people live away from where they are registered, most
# of them within their own city (人户分离 between districts). A city bureau sees
# the cross-city part as 异地就医: about one adult in eight.
DEFAULT_MOBILITY = 0.13
# Most migrant workers and retirees living with their children go home for the
# Spring Festival (春运 carries about 9亿 passenger trips, 2025).
DEFAULT_SPRING_FESTIVAL = 0.6
# Elderly patients of prefecture cities followed at the provincial capital's top
# hospital (省级三甲): a few in a hundred of the over-55s.
DEFAULT_REFERRAL = 0.04
# 家庭共济 (personal accounts pay for relatives, since 2021): uptake grew to
# roughly one multi-person household in six or seven by 2024.
DEFAULT_POOLING = 0.15
# 1.0: hospital-side pharmacies serve about 6 % of all claims in rushes after
# the morning and afternoon clinics; 0 turns rushes off, 2 doubles the crowd.
DEFAULT_RUSH = 1.0
MAX_RUSH = 10.0

# Variations of the legitimate look-alikes: documented constants, one per variation.
NURSING_OWN_ADDRESS = 0.6    # homes whose residents keep their own registered addresses
NURSING_AWAY = 0.35          # of those residents, placed by children from another city
NURSING_BATCH = 0.6          # homes whose staff swipe residents' cards one after another
NURSING_FINAL_STAY = 0.7     # residents who die with a final hospital stay settled after death
DIALYSIS_AWAY = 0.25         # dialysis patients treated in another city near their children
DIALYSIS_TUE_THU_SAT = 0.4   # centres running Tue/Thu/Sat instead of Mon/Wed/Fri
CHECKUP_MIGRANTS = 0.35      # share of a company's staff registered in another city
CHECKUP_QUEUE = 0.6          # companies whose staff are swiped in sequence at one terminal
FAMILY_SHARES = (("address_phone", 0.4), ("address", 0.35), ("phone", 0.25))
FAMILY_POOLING = 0.5         # families whose visits are paid from one member's card
CHRONIC_VARIANTS = (("monthly", 0.5), ("long_prescription", 0.3), ("two_pharmacies", 0.2))

SHARES = ("mobility", "spring_festival", "referral", "pooling")


@dataclass(frozen=True)
class WorldSettings:
    """The world to draw; every field has a realistic default (see the constants above).

    * ``fraud``: plant rings (False: a world with no fraud at all; look-alikes stay).
    * ``mobility``: share of adults who live (and get most care) in another city
      than the one they are registered in — migrant workers (23–55), students
      (18–22, home in the holidays), retirees living with their children (60+).
    * ``spring_festival``: share of migrants and retirees who go home over the
      Spring Festival (1–4 weeks between 18 January and 15 February 2025).
    * ``referral``: share of over-55s of prefecture cities followed every 1–3
      months at their provincial capital's top hospital.
    * ``pooling``: share of multi-person households whose members' care is paid
      from one member's card (家庭共济).
    * ``rush``: intensity of the rushes at pharmacies next to big hospitals
      (1 realistic, 0 none, 2 twice the crowd).
    """

    fraud: bool = True
    mobility: float = DEFAULT_MOBILITY
    spring_festival: float = DEFAULT_SPRING_FESTIVAL
    referral: float = DEFAULT_REFERRAL
    pooling: float = DEFAULT_POOLING
    rush: float = DEFAULT_RUSH

    def __post_init__(self) -> None:
        if not isinstance(self.fraud, bool):
            raise ConfigError(f"fraud must be true or false, not {self.fraud!r}")
        for name in SHARES:
            value = getattr(self, name)
            if not _number(value) or not 0 <= value <= 1:
                raise ConfigError(f"{name} must be a share between 0 and 1, not {value!r}")
        if not _number(self.rush) or not 0 <= self.rush <= MAX_RUSH:
            raise ConfigError(f"rush must be an intensity between 0 and {MAX_RUSH:g}, not {self.rush!r}")

    def as_dict(self) -> dict:
        """The settings as written to ``truth.json``."""
        return asdict(self)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def check_difficulty(difficulty: str) -> None:
    if difficulty not in DIFFICULTIES:
        raise ConfigError(f"--difficulty must be one of {', '.join(DIFFICULTIES)}, not {difficulty!r}")
