#!/usr/bin/env python3
"""The README's Python quick start: P(nu_e -> nu_e) against energy for the 8B solar scenario,
written to solar-8b-pee.png. Run from the repository root after `pip install ./python
matplotlib`."""
import matplotlib

matplotlib.use("Agg")  # no display needed

import matplotlib.pyplot as plt
import nuspin
ds = nuspin.run("scenarios/solar-8b.toml").to_xarray()
ds.probability.sel(initial="nu_e", final="nu_e").isel(x=-1).plot(x="energy_mev", xscale="log")
plt.savefig("solar-8b-pee.png")
