//! Summaries of samples: percentiles by nearest rank, and ratios against a baseline.

use serde_json::{Value, json};

/// Percentiles of one set of samples (milliseconds unless said otherwise).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub count: usize,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
}

impl Summary {
    pub fn of(samples: &[f64]) -> Summary {
        let mut sorted: Vec<f64> = samples.iter().copied().filter(|s| s.is_finite()).collect();
        if sorted.is_empty() {
            return Summary::default();
        }
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        // Nearest rank: the smallest sample with at least p of the samples at or below it. With
        // fewer than 100 samples p99 is the maximum, which the count beside it makes plain.
        let rank = |p: f64| sorted[((p * n as f64).ceil() as usize).clamp(1, n) - 1];
        Summary {
            count: n,
            p50: rank(0.50),
            p95: rank(0.95),
            p99: rank(0.99),
            max: sorted[n - 1],
            mean: sorted.iter().sum::<f64>() / n as f64,
        }
    }

    pub fn json(&self) -> Value {
        json!({
            "count": self.count,
            "p50": round(self.p50),
            "p95": round(self.p95),
            "p99": round(self.p99),
            "max": round(self.max),
            "mean": round(self.mean),
        })
    }
}

/// Two decimals are more than a noisy machine can tell apart.
pub fn round(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// `value / baseline`, or null when the baseline is missing or zero.
pub fn ratio(value: f64, baseline: f64) -> Value {
    if baseline > 0.0 && value.is_finite() { json!(round(value / baseline)) } else { Value::Null }
}

/// Ratios per percentile of `of` against `baseline`.
pub fn ratios(of: &Summary, baseline: &Summary) -> Value {
    json!({
        "p50": ratio(of.p50, baseline.p50),
        "p95": ratio(of.p95, baseline.p95),
        "p99": ratio(of.p99, baseline.p99),
    })
}

pub fn millis(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<f64> = (1..=100).map(f64::from).collect();
        let s = Summary::of(&samples);
        assert_eq!((s.count, s.p50, s.p95, s.p99, s.max), (100, 50.0, 95.0, 99.0, 100.0));
        assert_eq!(Summary::of(&[]).count, 0);
        let one = Summary::of(&[3.0]);
        assert_eq!((one.p50, one.p99), (3.0, 3.0));
        assert_eq!(ratio(6.0, 2.0), json!(3.0));
        assert_eq!(ratio(6.0, 0.0), Value::Null);
    }
}
