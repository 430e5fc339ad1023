//! Synthetic articles for benchmarks: a realistic 1,000-article site built from the demo
//! shop's style. A measuring tool, compiled only with the `eval` feature, so the worker never
//! ships it.

use baton_shared::Article;

/// `n` deterministic articles in the style of the demo shop's help centre, about different
/// products, places and numbers, so benchmarks can index a realistic 1,000-article site.
#[doc(hidden)]
pub fn synthetic_articles(n: usize) -> Vec<Article> {
    let mut random = SplitMix(0x5eed_2024);
    (0..n)
        .map(|i| {
            let v = Vars::draw(&mut random);
            let (slug, title, body, tags) = synthetic_topic(i % SYNTHETIC_TOPICS, &v);
            let id = format!("{slug}-{i:04}");
            let url = Some(format!("https://northwind.example/help/{id}"));
            Article {
                id,
                title,
                body,
                tags: tags.into_iter().map(String::from).chain([v.name.to_string()]).collect(),
                url,
            }
        })
        .collect()
}

const PRODUCTS: &[(&str, &str)] = &[
    ("Alpine", "shell jacket"),
    ("Ridge", "down parka"),
    ("Summit", "fleece pullover"),
    ("Trailhead", "hiking boots"),
    ("Canyon", "rain pants"),
    ("Glacier", "insulated vest"),
    ("Harbor", "merino base layer"),
    ("Timberline", "softshell jacket"),
    ("Cascade", "trail running shoes"),
    ("Tundra", "mittens"),
    ("Fjord", "rain poncho"),
    ("Sierra", "daypack"),
    ("Meadow", "sun hoodie"),
    ("Boulder", "climbing pants"),
    ("Coastline", "windbreaker"),
    ("Pine", "flannel shirt"),
    ("Aurora", "beanie"),
    ("Basecamp", "sleeping bag"),
    ("Driftwood", "cargo shorts"),
    ("Ember", "synthetic jacket"),
    ("Juniper", "hiking socks"),
    ("Maple", "wool sweater"),
    ("Nordic", "ski gloves"),
    ("Outpost", "duffel bag"),
    ("Redwood", "two-person tent"),
    ("Talus", "approach shoes"),
    ("Willow", "rain jacket"),
    ("Yukon", "expedition parka"),
];
const COLOURS: &[&str] =
    &["forest green", "navy", "charcoal", "rust orange", "glacier blue", "sand", "black", "burgundy"];
const COUNTRIES: &[&str] = &[
    "Canada",
    "Mexico",
    "the United Kingdom",
    "Ireland",
    "France",
    "Germany",
    "Spain",
    "Portugal",
    "Italy",
    "the Netherlands",
    "Sweden",
    "Norway",
    "Japan",
    "Australia",
    "New Zealand",
    "South Korea",
];
const CITIES: &[&str] = &["Seattle", "Portland", "Denver", "Boulder", "Bend", "Missoula", "Anchorage", "Boise"];
const MATERIALS: &[&str] =
    &["recycled nylon", "organic cotton", "merino wool", "recycled polyester", "hemp canvas", "responsible down"];
const ACTIVITIES: &[&str] = &["hiking", "trail running", "skiing", "climbing", "camping", "kayaking", "cycling"];
const SEASONS: &[&str] = &["spring", "summer", "autumn", "winter"];
const WEEKDAYS: &[&str] = &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const SYNTHETIC_TOPICS: usize = 12;

/// One draw of everything an article template can mention.
struct Vars {
    name: &'static str,
    kind: &'static str,
    other: (&'static str, &'static str),
    colour: &'static str,
    country: &'static str,
    city: &'static str,
    material: &'static str,
    activity: &'static str,
    season: &'static str,
    weekday: &'static str,
    small: u64,
    medium: u64,
    large: u64,
}

impl Vars {
    fn draw(random: &mut SplitMix) -> Vars {
        let (name, kind) = random.pick(PRODUCTS);
        Vars {
            name,
            kind,
            other: random.pick(PRODUCTS),
            colour: random.pick(COLOURS),
            country: random.pick(COUNTRIES),
            city: random.pick(CITIES),
            material: random.pick(MATERIALS),
            activity: random.pick(ACTIVITIES),
            season: random.pick(SEASONS),
            weekday: random.pick(WEEKDAYS),
            small: 2 + random.below(7),
            medium: 10 + random.below(40),
            large: 150 + random.below(800),
        }
    }
}

fn synthetic_topic(topic: usize, v: &Vars) -> (&'static str, String, String, Vec<&'static str>) {
    let Vars { name, kind, colour, country, city, material, activity, season, weekday, small, medium, large, .. } = v;
    let (other, other_kind) = v.other;
    match topic {
        0 => (
            "fit",
            format!("{name} {kind} fit and sizing"),
            format!(
                "The {name} {kind} runs true to size with room for a light layer underneath. If you are between \
                 sizes, size up for {activity}. Size M measures {medium} cm across the chest; the size chart on \
                 the product page lists every size."
            ),
            vec!["size", "fit", "sizing", "measurements"],
        ),
        1 => (
            "wash",
            format!("Washing the {name} {kind}"),
            format!(
                "Machine wash the {name} {kind} at 30 °C on a gentle cycle with a mild detergent. Skip bleach and \
                 fabric softener, and tumble dry on low for {medium} minutes or dry it flat."
            ),
            vec!["wash", "care", "laundry", "clean"],
        ),
        2 => (
            "materials",
            format!("What the {name} {kind} is made of"),
            format!(
                "The {name} {kind} is made from {large} g of {material} in size M. Its water-repellent finish is \
                 PFC-free, and the fabric is certified by bluesign."
            ),
            vec!["materials", "fabric", "sustainability", "recycled"],
        ),
        3 => (
            "warranty",
            format!("{name} {kind} warranty"),
            format!(
                "The {name} {kind} is covered by our {small}-year warranty against defects in materials and \
                 workmanship. Wear from {activity} is not a defect, but our repair workshop fixes it from ${medium}."
            ),
            vec!["warranty", "guarantee", "defect", "repair"],
        ),
        4 => (
            "restock",
            format!("{name} {kind} in {colour}: restock dates"),
            format!(
                "The {colour} {name} {kind} sells out quickly; new stock arrives about every {small} weeks. Press \
                 Notify me on the product page to get an email when your size is back."
            ),
            vec!["restock", "out of stock", "sold out", "availability"],
        ),
        5 => (
            "ship",
            format!("Shipping the {name} {kind} to {country}"),
            format!(
                "Orders of the {name} {kind} to {country} arrive in {small} to {} business days. Shipping costs \
                 ${medium}, free on orders over ${large}.",
                small + 5
            ),
            vec!["shipping", "international", "delivery", "envío", "livraison"],
        ),
        6 => (
            "clinic",
            format!("Free {activity} clinic at our {city} store"),
            format!(
                "Our {city} store runs a free {activity} clinic every {weekday} at {small} pm, with {name} {kind} \
                 samples to try. Places are limited to {medium}; book at the till or online."
            ),
            vec!["store", "event", "clinic", "workshop"],
        ),
        7 => (
            "repair",
            format!("Repairing a {name} {kind}"),
            format!(
                "Torn or worn {name} {kind}? Our workshop replaces zips from ${medium} and patches holes from \
                 ${small}0, and sends most repairs back within {small} weeks."
            ),
            vec!["repair", "fix", "zip", "patch"],
        ),
        8 => (
            "compare",
            format!("{name} {kind} or {other} {other_kind}?"),
            format!(
                "Choose the {name} {kind} for {activity} in {season} and the {other} {other_kind} when you need \
                 more warmth. Both come in sizes XS to XXL and {small} colours."
            ),
            vec!["compare", "which", "difference", "choose"],
        ),
        9 => (
            "sale",
            format!("{season} sale on the {name} {kind}"),
            format!(
                "During our {season} sale the {name} {kind} is {medium}% off while stock lasts. Sale prices cannot \
                 be combined with promo codes, and we adjust the price if it drops within 14 days."
            ),
            vec!["sale", "discount", "price", "promotion"],
        ),
        10 => (
            "specs",
            format!("{name} {kind} technical details"),
            format!(
                "The {name} {kind} has a {large}0 mm waterproof rating and packs into its own pocket. It has \
                 {small} pockets and weighs {large} g."
            ),
            vec!["specs", "waterproof", "weight", "pockets"],
        ),
        _ => (
            "return",
            format!("Returning a {name} {kind} bought in {city}"),
            format!(
                "You can return an unworn {name} {kind} within {} days for a refund or an exchange. Items bought \
                 at our {city} store can go back to any store or by post with the prepaid label.",
                medium + 20
            ),
            vec!["return", "refund", "exchange", "devolución"],
        ),
    }
}

/// SplitMix64: a tiny generator with a fixed seed, so synthetic sets are the same every run.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[self.below(from.len() as u64) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::KnowledgeBase;

    #[test]
    fn synthetic_articles_are_deterministic_and_distinct() {
        let a = synthetic_articles(300);
        assert_eq!(a.len(), 300);
        assert_eq!(a, synthetic_articles(300));
        assert_eq!(synthetic_articles(10), a[..10]);
        let mut ids: Vec<&str> = a.iter().map(|a| a.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 300);
        assert!(a.iter().all(|a| !a.title.is_empty() && a.body.len() > 80 && a.tags.len() >= 4));
        // Indexable, and a product question finds that product's article.
        let kb = KnowledgeBase::new(a);
        let target = &kb.articles()[5];
        let hit = kb.search(&target.title, 1)[0];
        assert_eq!(kb.articles()[hit.index].id, target.id);
    }
}
