"""The duct tree, its compliant walls, the nipple pores, and the milk that flows through them
(mer/ducts/, mer/hydraulics.py)."""

from __future__ import annotations

import equinox as eqx

from mer.parameters.spec import (
    ASSUMPTION,
    MEASURED_HUMAN,
    SETTING,
    Scalar,
    Spec,
    frac,
    nonneg,
    parameter,
    pos,
    upto,
)


class Ducts(eqx.Module):
    """Duct and pore resistance (Poiseuille) and pore opening."""

    milk_viscosity_mPa_s: Scalar = parameter(
        2.0,
        upto(
            "mPa s",
            "~1.5-3 mPa s at 37 C (Alatalo & Hassanipour 2020; unchecked)",
            100.0,
            "milk 1.5-3 mPa s at 37 C (Alatalo & Hassanipour 2020); 100 mPa s is a syrup",
            ASSUMPTION,
        ),
    )
    tone: Scalar = parameter(1.0, pos("1", "duct radius scale, 1 normal", SETTING))
    pore_radius_mm: Scalar = parameter(
        0.25, pos("mm", "pores 0.4-0.7 mm diameter (Marasco 2022 deck; unchecked)", ASSUMPTION)
    )
    pore_length_mm: Scalar = parameter(10.0, pos("mm", "nipple pore canal (unchecked)", ASSUMPTION))
    pore_patent_fraction: Scalar = parameter(
        0.45, frac("3.9 +/- 1.5 orifices with flow (BMC Pregnancy Childbirth 2014)", MEASURED_HUMAN, low_open=True)
    )
    pore_opening_mmHg: Scalar = parameter(5.0, nonneg("mmHg", "pore opening pressure (unchecked)", ASSUMPTION))
    pore_closed_fraction: Scalar = parameter(0.02, frac("leak of a closed pore (unchecked)", ASSUMPTION, low_open=True))


class DuctWall(eqx.Module):
    """Tube law of the compressible ducts (Ramsay 2005; sizes unchecked; mer/ducts/wall.py)."""

    area_min: Scalar = parameter(
        0.2, frac("ducts are compressible (Ramsay 2005); collapsed area unchecked", ASSUMPTION, low_open=True)
    )
    area_max: Scalar = parameter(
        2.0,
        Spec("1", "ducts dilate at ejection (Ramsay 2004; size unchecked)", low=1.0, low_open=True, status=ASSUMPTION),
    )
    pressure_scale_mmHg: Scalar = parameter(30.0, pos("mmHg", "tube-law pressure scale (unchecked)", ASSUMPTION))
    wall_tau_s: Scalar = parameter(3.0, pos("s", "viscoelastic lag of the duct wall (unchecked)", ASSUMPTION))


class Milk(eqx.Module):
    """The milk itself."""

    density_g_per_mL: Scalar = parameter(
        1.03,
        Spec(
            "g/mL",
            ("milk density ~1.03 g/mL, the usual g-to-mL conversion of balance studies (unchecked)"),
            low=0.9,
            high=1.2,
            limit="milk is ~1.03 g/mL; water 1.0",
            status=ASSUMPTION,
        ),
    )
