use super::*;

/// Rows of the authors' table at E_ν = 7.4, 7.6, 10.0 and 10.5 MeV (E_e, p_e, dσ/dp_e in
/// cm²/MeV), from the same CSV conversion as `profiles/nue_d_nakamura_cc_spectrum.csv` (the
/// 10.0/10.5 MeV rows read at offset 566000 of its 838 606 characters) but NOT shipped or
/// used to build the spectrum: an independent check of its shape and normalisation.
const OTHER_ROWS: [(f64, f64, f64, f64); 31] = [
    (
        7.4,
        5.480_096_162_488_74,
        5.456_219_744_528_53,
        5.859_791_415_185_741e-43,
    ),
    (
        7.4,
        5.597_810_561_144_07,
        5.574_438_359_952_98,
        6.653_876_365_481_81e-43,
    ),
    (
        7.4,
        5.704_145_236_246_87,
        5.681_210_507_159_28,
        7.402_188_233_757_541e-43,
    ),
    (
        7.4,
        5.810_495_956_179_45,
        5.787_982_654_365_58,
        8.121_010_007_643_44e-43,
    ),
    (
        7.4,
        5.892_184_888_335_11,
        5.869_984_898_514_12,
        8.583_577_170_099_201e-43,
    ),
    (
        7.4,
        5.951_073_697_732_84,
        5.929_094_206_226_34,
        8.816_099_838_211_93e-43,
    ),
    (
        7.4,
        6.010_686_132_099_84,
        5.988_925_423_569_45,
        8.910_256_740_372_911e-43,
    ),
    (
        7.4,
        6.074_134_857_949_93,
        6.052_602_268_695_8,
        8.777_974_359_618_05e-43,
    ),
    (
        7.4,
        6.137_588_308_751_08,
        6.116_279_113_822_15,
        8.302_090_830_608_73e-43,
    ),
    (
        7.4,
        6.201_046_339_456_27,
        6.179_955_958_948_51,
        7.357_298_987_002_971e-43,
    ),
    (
        7.4,
        6.264_508_810_885_38,
        6.243_632_804_074_86,
        5.821_765_542_906_041e-43,
    ),
    (
        7.6,
        0.750_010_187_918_672,
        0.548_994_747_188_839,
        4.650_612_353_506_14e-46,
    ),
    (
        7.6,
        1.510_709_793_431_91,
        1.421_662_417_886_26,
        4.013_107_423_746_69e-45,
    ),
    (
        7.6,
        2.524_809_912_148_11,
        2.472_558_400_309_38,
        1.816_558_695_913_44e-44,
    ),
    (
        7.6,
        3.495_440_234_889_32,
        3.457_886_982_846_93,
        5.625_941_415_619_849e-44,
    ),
    (
        7.6,
        4.649_608_968_377_87,
        4.621_443_877_110_17,
        1.982_667_669_893_780_3e-43,
    ),
    (
        7.6,
        5.200_886_212_281_03,
        5.175_721_915_207,
        3.675_636_217_032_760_5e-43,
    ),
    (
        7.6,
        5.709_824_629_445_8,
        5.693_781_770_509_93,
        6.519_177_293_172_121e-43,
    ),
    (
        7.6,
        6.145_665_655_500_25,
        6.124_384_564_970_95,
        9.410_530_535_670_71e-43,
    ),
    (
        10.0,
        7.1492919159853,
        7.13100658045075,
        5.21073408683631e-43,
    ),
    (
        10.0,
        7.74492583811645,
        7.72804996026701,
        9.411595302731931e-43,
    ),
    (
        10.0,
        8.35548709705752,
        8.3398467959282,
        1.67428251862746e-42,
    ),
    (
        10.0,
        8.44473072430344,
        8.4292560144092,
        1.76945657689201e-42,
    ),
    (10.0, 8.53397781808654, 8.5186652328902, 1.826381797103e-42),
    (
        10.0,
        8.62322827077484,
        8.6080744513712,
        1.81205546838183e-42,
    ),
    (
        10.0,
        8.71248197914271,
        8.6974836698522,
        1.67735346986982e-42,
    ),
    (
        10.0,
        8.80173884414786,
        8.78689288833319,
        1.35933401799221e-42,
    ),
    (
        10.0,
        8.89099877072171,
        8.87630210681419,
        8.08601697195647e-43,
    ),
    (
        10.5,
        3.49245942780152,
        3.4548737755957,
        1.7873162587859499e-44,
    ),
    (
        10.5,
        6.48481684205563,
        6.4646523050716,
        2.1427307607625504e-43,
    ),
    (
        10.5,
        8.04501328947693,
        8.02876819806871,
        8.810954630048001e-43,
    ),
];

#[test]
fn the_total_is_the_papers_table() {
    // Nakamura et al. (nucl-th/0201062), the authors' table: σ_CC(10 MeV) = 2.708e-42 cm²,
    // σ_CC(15 MeV) = 7.724e-42 cm², σ_CC(5 MeV) = 3.463e-43 cm².
    let cc = DeuteronCc::nakamura();
    for (e, want) in [(5.0, 3.463e-43), (10.0, 2.708e-42), (15.0, 7.724e-42)] {
        assert!((cc.total_cm2(e) / want - 1.0).abs() < 1e-12, "{e}");
    }
    // Between rows ln σ is linear: the geometric mean of 10.0 and 10.2 MeV at 10.1 MeV.
    let mid = (2.708e-42_f64 * 2.856e-42).sqrt();
    assert!((cc.total_cm2(10.1) / mid - 1.0).abs() < 1e-12);
    assert_eq!(cc.total_cm2(Q_MEV), 0.0);
    assert_eq!(cc.total_cm2(1.0), 0.0);
}

#[test]
fn the_spectrum_integrates_to_the_total() {
    let cc = DeuteronCc::nakamura();
    for e in [3.0, 6.0, 8.3, 10.0, 14.0, 18.5] {
        let at = cc.at_energy(e);
        let end = end_point_mev(e);
        // An independent quadrature: Simpson on 200 000 uniform intervals.
        let n = 200_000;
        let h = end / n as f64;
        let mut s = 0.0;
        for i in 0..=n {
            let w = if i == 0 || i == n {
                1.0
            } else if i % 2 == 1 {
                4.0
            } else {
                2.0
            };
            s += w * at.dsigma_dt_cm2_per_mev(i as f64 * h);
        }
        let s = s * h / 3.0;
        assert!((s / cc.total_cm2(e) - 1.0).abs() < 2e-4, "E {e}: {s}");
    }
}

#[test]
fn energy_is_conserved() {
    let cc = DeuteronCc::nakamura();
    // The authors' rows end where E_e = E_ν − Q + m_e, within the pair's smallest recoil.
    let ends = [
        (1.5, 0.568_327_843_181_868),
        (7.4, 6.468_503_664_023_31),
        (12.0, 11.068_507_914_369_2),
    ];
    for (e, e_max) in ends {
        let q = e - (e_max - M_E_MEV);
        assert!(q > Q_MEV && q - Q_MEV < 1e-3, "{e}: {q}");
    }
    // nuspin's spectrum stops at E_pp = 0, a little below E_ν − Q: never above.
    for e in [2.0, 6.0, 10.0, 16.0] {
        let end = end_point_mev(e);
        assert!(end < e - Q_MEV && end > e - Q_MEV - 0.15, "{e}: {end}");
        assert!(pp_energy_mev(e, end).abs() < 1e-9);
        let at = cc.at_energy(e);
        assert_eq!(at.dsigma_dt_cm2_per_mev(end + 1e-6), 0.0);
        assert_eq!(at.dsigma_dt_cm2_per_mev(e - Q_MEV), 0.0);
        assert!(at.dsigma_dt_cm2_per_mev(end - 0.3) > 0.0);
    }
}

#[test]
fn the_spectrum_matches_the_tables_at_other_energies() {
    let cc = DeuteronCc::nakamura();
    let mut worst: f64 = 0.0;
    for (e, e_e, p, dsdp) in OTHER_ROWS {
        let t = e_e - M_E_MEV;
        // dσ/dp = dσ/dT · dT/dp = dσ/dT · p/E_e.
        let ours = cc.at_energy(e).dsigma_dt_cm2_per_mev(t) * p / e_e;
        println!("E {e} T {t:.3}: ours/table {:.4}", ours / dsdp);
        worst = worst.max((ours / dsdp - 1.0).abs());
    }
    assert!(worst < 0.07, "worst relative difference {worst}");
}

#[test]
fn a_flat_survival_probability_scales_the_unoscillated_fold() {
    let flux = FluxTable::b8();
    let t: Vec<f64> = (1..=30).map(|i| 0.5 * i as f64).collect();
    let none = fold_cc_spectrum(&flux, &t, |_| 1.0);
    let flat = fold_cc_spectrum(&flux, &t, |_| 0.31);
    for (a, b) in none.iter().zip(&flat) {
        assert!((b - 0.31 * a).abs() <= 1e-13 * a.abs(), "{a} {b}");
    }
    // The unoscillated ⁸B fold integrates to the flux-averaged total cross section,
    // computed here directly from the total table (trapezoid over the same nodes).
    let cc = DeuteronCc::nakamura();
    let (e, phi) = (flux.energy_mev(), flux.flux());
    let mut avg = 0.0;
    for k in 1..e.len() {
        avg += 0.5
            * (e[k] - e[k - 1])
            * (phi[k] * cc.total_cm2(e[k]) + phi[k - 1] * cc.total_cm2(e[k - 1]));
    }
    let fine: Vec<f64> = (1..=3000).map(|i| 0.005 * i as f64).collect();
    let spec = fold_cc_spectrum(&flux, &fine, |_| 1.0);
    let integral: f64 = crate::flux::trapezoid(&fine, &spec);
    assert!((integral / avg - 1.0).abs() < 2e-3, "{integral} vs {avg}");
}
