//! What the machine offers and how sizes read: the memory the kernel can still give
//! ([`available_memory`]), and byte counts printed and parsed as users write them. Used both by
//! scenario validation (a record grid that cannot fit is refused before it is built) and by the
//! run's cost estimate.

/// `MemAvailable` of `/proc/meminfo` (bytes): what the kernel says can be allocated without
/// swapping. `None` where there is no such file.
pub fn available_memory() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    parse_mem_available(&text)
}

pub(crate) fn parse_mem_available(meminfo: &str) -> Option<f64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024.0)
}

/// Bytes as the user reads them (`1.2 GB`, `340 MB`, `12 kB`).
pub fn bytes_text(bytes: f64) -> String {
    let units = [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)];
    for (unit, size) in units {
        if bytes >= size {
            // Three significant figures.
            let v = bytes / size;
            let digits = if v >= 100.0 {
                0
            } else if v >= 10.0 {
                1
            } else {
                2
            };
            let number = format!("{v:.digits$}");
            let number = match number.contains('.') {
                true => number.trim_end_matches('0').trim_end_matches('.'),
                false => &number,
            };
            return format!("{number} {unit}");
        }
    }
    format!("{bytes:.0} B")
}

/// `--max-memory`: bytes from `8G`, `500M`, `1.5GB`, `2e9` (K, M, G, T; powers of 1000).
pub fn parse_bytes(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let cut = t
        .find(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(cut);
    let scale = match unit.trim().to_ascii_uppercase().trim_end_matches('B') {
        "" => 1.0,
        "K" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        _ => {
            return Err(format!(
                "expected a size like 8G, 500M or 2e9, got \"{text}\""
            ))
        }
    };
    match number.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v * scale),
        _ => Err(format!(
            "expected a positive size like 8G, 500M or 2e9, got \"{text}\""
        )),
    }
}
