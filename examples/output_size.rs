//! Writes a full-size output file (200 energies × 2000 positions × 6 × 6, amplitudes on)
//! through the partial file and the final file, and reports times and sizes.
//!
//! `cargo run --release --features tools --example output_size -- [OUT.h5] [N_ENERGIES]`

use std::path::PathBuf;
use std::time::Instant;

use num_complex::Complex64;
use nuspin::output::{
    check_writable, now_utc_iso8601, partial_path, read_output, write_final, EnergyResult,
    PartialWriter, RunHeader,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().unwrap_or_else(|| "out/output_size.h5".into()));
    let n_e: usize = args.next().map_or(Ok(200), |s| s.parse())?;
    let (n_x, n) = (2000, 6);
    let labels: Vec<String> = [
        "nu_e",
        "nu_mu",
        "nu_tau",
        "nubar_e",
        "nubar_mu",
        "nubar_tau",
    ]
    .map(String::from)
    .to_vec();
    let header = RunHeader {
        nuspin_version: env!("CARGO_PKG_VERSION").into(),
        scenario_name: "output-size".into(),
        scenario_toml: "name = \"output-size\"\n".into(),
        created_utc: now_utc_iso8601(),
        command: std::env::args().collect::<Vec<_>>().join(" "),
        energy_mev: (0..n_e).map(|e| 1.0 + e as f64 * 0.3).collect(),
        x_km: (0..n_x).map(|x| x as f64 * 0.5).collect(),
        initial_states: labels.clone(),
        final_states: labels,
        solver_method: "magnus".into(),
        rtol: 1e-6,
        atol: 1e-9,
        amplitudes: true,
        all_steps: false,
        medium_samples: None,
        ..RunHeader::default()
    };
    // Smooth, oscillating probabilities like a real run's (rows sum to 1).
    let result = |e: usize| {
        let mut probability = Vec::with_capacity(n_x * n * n);
        let mut amplitude = Vec::with_capacity(n_x * n * n);
        for x in 0..n_x {
            for i in 0..n {
                let phase = (x as f64 * 1e-3 * (1.0 + e as f64)).sin().powi(2);
                for j in 0..n {
                    let p = if i == j {
                        1.0 - phase
                    } else {
                        phase / (n - 1) as f64
                    };
                    probability.push(p);
                    amplitude.push(Complex64::from_polar(p.sqrt(), x as f64 * 0.01 + j as f64));
                }
            }
        }
        EnergyResult {
            grid_index: e,
            probability,
            amplitude: Some(amplitude),
            steps: 1234,
            rejected: 5,
            unitarity_error: 1e-14,
            step_x_km: None,
            step_probability: None,
            extras: Vec::new(),
        }
    };
    let results: Vec<EnergyResult> = (0..n_e).map(result).collect();

    check_writable(&out, true)?;
    let t = Instant::now();
    let mut writer = PartialWriter::create(&out, &header)?;
    for r in &results {
        writer.append(r)?;
    }
    writer.close()?;
    let partial_secs = t.elapsed().as_secs_f64();
    let partial_bytes = std::fs::metadata(partial_path(&out))?.len();

    let t = Instant::now();
    write_final(&out, &header, &results, true)?;
    let final_secs = t.elapsed().as_secs_f64();
    let final_bytes = std::fs::metadata(&out)?.len();

    let t = Instant::now();
    let back = read_output(&out)?;
    let read_secs = t.elapsed().as_secs_f64();
    assert_eq!(back.energy_done.iter().filter(|&&d| d == 1).count(), n_e);

    let mb = |b: u64| b as f64 / 1e6;
    println!("{n_e} energies x {n_x} positions x {n} x {n}, amplitudes on");
    println!(
        "partial: {partial_secs:.2} s for {n_e} appends ({:.1} ms each), {:.1} MB",
        1e3 * partial_secs / n_e as f64,
        mb(partial_bytes)
    );
    println!("final:   {final_secs:.2} s, {:.1} MB", mb(final_bytes));
    println!("read:    {read_secs:.2} s");
    Ok(())
}
