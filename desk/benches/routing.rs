//! CPU cost of one routing decision over the whole queue: 100 queued conversations and 20
//! agents, then 1,000 and 200, with languages, skills, priorities and loads mixed as on a busy
//! site. `cargo bench -p baton-desk --bench routing`; `cargo xtask bench` reads the estimates.

use baton_desk::{Agent, Presence, Priority, Queued, Requirements, RoutingSettings, route};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

const LANGUAGES: [&str; 5] = ["en", "es", "fr", "de", "pt"];
const SKILLS: [&str; 4] = ["billing", "returns", "technical", "sales"];

/// (queued conversations, agents)
const SIZES: [(usize, usize); 2] = [(100, 20), (1_000, 200)];

fn team(n: usize) -> Vec<Agent> {
    (0..n)
        .map(|i| Agent {
            id: format!("agent-{i:04}"),
            presence: if i % 7 == 0 { Presence::Away } else { Presence::Online },
            languages: vec!["en".into(), LANGUAGES[i % LANGUAGES.len()].into()],
            skills: vec![SKILLS[i % SKILLS.len()].into(), SKILLS[(i / 4) % SKILLS.len()].into()],
            capacity: 3,
            held: (i % 3) as u32,
            last_assigned_at: (i * 37 % 1_000) as u64,
        })
        .collect()
}

fn queue(n: usize) -> Vec<Queued> {
    (0..n)
        .map(|i| Queued {
            conversation: format!("conv-{i:05}"),
            requirements: Requirements {
                language: Some(LANGUAGES[i % LANGUAGES.len()].into()),
                skill: (i % 3 != 0).then(|| SKILLS[i % SKILLS.len()].into()),
            },
            priority: Priority { escalated: i % 11 == 0, vip: i % 13 == 0, upset: i % 5 == 0 },
            queued_at: (i * 53 % 120_000) as u64,
            passed_over_by: Vec::new(),
        })
        .collect()
}

fn decide(c: &mut Criterion) {
    let mut group = c.benchmark_group("route");
    let settings = RoutingSettings::default();
    for (queued, agents) in SIZES {
        let (q, team) = (queue(queued), team(agents));
        group.throughput(Throughput::Elements(queued as u64));
        group.bench_with_input(BenchmarkId::from_parameter(queued), &(q, team), |b, (q, team)| {
            b.iter(|| route(q, team, &settings, 150_000))
        });
    }
    group.finish();
}

criterion_group!(benches, decide);
criterion_main!(benches);
