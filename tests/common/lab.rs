//! The two-flavour Dirac "lab" scenario the CLI tests start from: θ = 33°, Δm² = 7.5e-5 eV²,
//! energies on [1, 10] MeV, constant matter (3 g/cm³, Yₑ = 0.5) from 0 km. A macro, so that
//! each test file keeps its variant as a `const` (and its `LAB.replace(...)` edits) with the
//! header written once.

/// `lab_scenario!(name: "lab", initial: "[\"nu_e\"]", points: 5, medium: "", end_km: 300,
/// "tail", ...)`: the scenario text through `[track] end_km`, with `medium` lines added to
/// `[medium]`, then each tail literal (more `[track]` keys, further tables). The layout is
/// fixed (one key a line, tables separated by a blank line), so tests may edit it with
/// `replace("max_mev = 10\npoints = 12", ...)`.
#[allow(unused_macros)]
macro_rules! lab_scenario {
    (
        name: $name:literal,
        initial: $initial:literal,
        points: $points:literal,
        medium: $medium:literal,
        end_km: $end_km:literal
        $(, $tail:literal)* $(,)?
    ) => {
        concat!(
            "\nname = \"", $name, "\"\n",
            "\n[neutrino]\nflavours = 2\nnature = \"dirac\"\ninitial = ", $initial, "\n",
            "\n[mixing]\ntheta_deg = 33.0\ndm2_ev2 = 7.5e-5\n",
            "\n[energy]\nmin_mev = 1\nmax_mev = 10\npoints = ", $points, "\n",
            "\n[medium]\nkind = \"constant\"\nrho_g_cm3 = 3\nye = 0.5\n", $medium,
            "\n[track]\nstart_km = 0\nend_km = ", $end_km, "\n"
            $(, $tail)*
        )
    };
}

#[allow(unused_imports)]
pub(crate) use lab_scenario;
