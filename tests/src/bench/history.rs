//! Part 7: the history of closed conversations (D1, binding `HISTORY`). How long a search takes
//! through the real worker over a generated history of 100,000 closed conversations, and what a
//! close costs: from the customer's "End chat" to the close event, and until a search finds it.
//!
//! The history is generated straight into the stack's local D1 by `wrangler d1 execute`: one
//! `INSERT … SELECT` over a recursive CTE for `conversations` and one for `conversations_fts`,
//! rows as `edge/src/history.rs` writes them (`entry` and `record` are the JSON of
//! `HistoryEntry` and `HistoryRecord`). Everything about conversation i is arithmetic on i, done
//! once in SQL and once here (`Generated::row`), so the bench knows what every search must find:
//! it checks the worker's first pages against that, and one conversation field by field.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use baton_e2e::stack::wrangler_bin;
use baton_shared::history::{HISTORY_PAGE, HistoryEntry, HistoryPage, HistoryRecord, Holding, Outcome};
use baton_shared::{AgentInfo, Author, ClientFrame, EventBody, Mode, ModeReason, ServerFrame, VisitorInfo, encode};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::bench::options::Plan;
use crate::bench::pair::{ANSWER_LIMIT, connect, conversation_url, decode, is_mode, wait_for};
use crate::bench::rest::Rest;
use crate::bench::sites::{self, CHAT_SITE};
use crate::bench::stack::FrozenStack;
use crate::bench::stats::{Summary, millis, ratio, ratios, round};
use crate::bench::ws::Ws;

/// `database_name` of the `HISTORY` binding in wrangler.toml.
const DATABASE: &str = "baton-history";
/// Agents of the bench site who held the generated conversations resolved by a person.
const HISTORY_AGENTS: usize = 4;
/// The most `wrangler d1 execute` may take to write the history.
const GENERATION_LIMIT: Duration = Duration::from_secs(240);
/// How often the close measurement asks the search whether the conversation is there yet.
const POLL: Duration = Duration::from_millis(10);
/// The longest a closed conversation may take to become findable.
const FIND_LIMIT: Duration = Duration::from_secs(30);
/// How long to wait for the bot's answer to the customer's message before closing anyway.
const REPLY_LIMIT: Duration = Duration::from_secs(5);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const MAX_ERRORS: usize = 5;

// --- The generated history -----------------------------------------------------------------

/// Words customers and agents of an outdoor shop write, most frequent first: conversation i's
/// words are drawn so that the first ones are in a fifth of all conversations and the last in a
/// handful. No word is the beginning of another one or of the email's words (`visitor…`,
/// `example`, `test`), because a search takes its last word as a prefix too: each search below
/// finds exactly the conversations that hold its word.
const VOCABULARY: &str = "\
    order parcel delivery refund returned sizing price account password shipping \
    payment invoice address tracking discount voucher warranty exchange stock colour \
    jacket boots tent backpack socks gloves helmet rope stove lantern \
    kayak paddle bicycle trail hiking waterproof zipper strap sole laces \
    buckle seam collar pocket fabric merino wool fleece nylon leather \
    rubber cotton courier customs label weight damaged broken missing late \
    early tomorrow today fortnight month cancel subscription newsletter login email \
    phone number surname postcode city country germany france spain italy \
    japan canada norway sweden ireland austria belgium denmark finland portugal \
    wrong small large medium narrow wide tight loose heavy light \
    cheap expensive fast sluggish wet cold warm dry soft hard \
    blue green black white grey orange yellow purple brown navy \
    receipt credit debit paypal klarna bank transfer instalment coupon gift \
    checkout basket cart wishlist review rating complaint question answer help \
    thanks please sorry urgent asap problem issue fault defect crack \
    tear hole stain smell leak rust scratch dent faded shrunk \
    replace repair swap upgrade downgrade resend reship collect pickup dropoff \
    warehouse depot locker shop branch store outlet mall counter desk \
    monday tuesday wednesday thursday friday saturday sunday morning evening night \
    january february march april june july august september october november \
    december spring summer autumn winter holiday christmas easter birthday weekend \
    mountain river lake forest beach desert glacier valley canyon island \
    climbing skiing running cycling swimming fishing sailing surfing diving skating \
    harness carabiner crampons axe poles compass map torch batteries charger \
    sleeping mat pillow blanket hammock tarp cooker kettle mug flask \
    bottle filter purifier sunscreen insect repellent plaster bandage whistle mirror \
    sunglasses goggles beanie scarf mittens gaiters poncho umbrella raincoat parka \
    shorts trousers leggings shirt vest hoodie sweater jumper dress skirt \
    sandals slippers trainers sneakers wellies insoles stretcher polish spray wax \
    guarantee lifetime policy terms privacy cookies unsubscribe profile settings notification \
    member loyalty points reward tier gold silver bronze platinum premium \
    broker agent manager supervisor team staff chatbot human person someone \
    quickly slowly never always again already still yet soon maybe";

/// Each word takes this many bytes in the SQL's vocabulary string, padded with spaces.
const WIDTH: usize = 12;
/// Words in each conversation's indexed text.
const WORDS: u64 = 12;
/// Conversation i's numbers are hashes of `i * SLOTS + slot`: slots 0 to 11 draw its words,
/// slots from `ATTRIBUTES` on its close time, outcome, agent and rating.
const SLOTS: u64 = 64;
const ATTRIBUTES: u64 = 32;
/// Multiplicative hashing modulo 2^32 (Knuth's constant, and xxHash's second prime for the
/// second factor of a word's draw), of which only the high bits are used: the low bits of such
/// a hash repeat with a short period.
const MULTIPLIER: u64 = 2_654_435_761;
const SECOND_MULTIPLIER: u64 = 2_246_822_519;
/// One multiplier per attribute, so that a conversation's attributes do not depend on each other.
const ATTRIBUTE_MULTIPLIERS: [u64; 7] =
    [3_266_489_917, 668_265_263, 374_761_393, 1_597_334_677, 3_812_015_801, 2_166_136_261, 1_181_783_497];
const MODULUS: u64 = 1 << 32;
const DAY_MS: u64 = 86_400_000;
/// Close times are spread over this many days before the generation.
const SPAN_DAYS: u64 = 90;
/// The email of conversation `EMAIL_SHARE * n`: visitor12345@example.test of 100,000.
const EMAIL_SHARE: f64 = 0.123_45;

pub fn vocabulary() -> Vec<&'static str> {
    VOCABULARY.split_whitespace().collect()
}

/// `(i * SLOTS + slot) * multiplier mod 2^32`, as the SQL computes it (no product reaches 2^63).
fn hash(i: u64, slot: u64, multiplier: u64) -> u64 {
    (i * (SLOTS * multiplier) + slot * multiplier) % MODULUS
}

fn hash_sql(slot: u64, multiplier: u64) -> String {
    format!("((i * {} + {}) % {MODULUS})", SLOTS * multiplier, slot * multiplier)
}

/// Attribute `n` of conversation i: the 24 high bits of its hash.
fn attribute(i: u64, n: usize) -> u64 {
    hash(i, ATTRIBUTES + n as u64, ATTRIBUTE_MULTIPLIERS[n]) >> 8
}

fn attribute_sql(n: usize) -> String {
    format!("({} >> 8)", hash_sql(ATTRIBUTES + n as u64, ATTRIBUTE_MULTIPLIERS[n]))
}

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// One generated conversation, as the arithmetic on its number makes it.
#[derive(Debug, Clone)]
struct Row {
    i: u64,
    closed_at: u64,
    started_at: u64,
    outcome: Outcome,
    reason: ModeReason,
    /// Index into the agents, for a conversation resolved by a person.
    agent: Option<usize>,
    rating: Option<u8>,
    words: Vec<usize>,
}

/// The history to generate: `rows` closed conversations, closed within 90 days before `now`.
pub struct Generated {
    pub rows: u64,
    pub now: u64,
    words: Vec<&'static str>,
    agents: Vec<AgentInfo>,
}

impl Generated {
    pub fn new(rows: u64, now: u64, agents: Vec<AgentInfo>) -> Generated {
        Generated { rows, now, words: vocabulary(), agents }
    }

    fn id(i: u64) -> String {
        format!("00000000-0000-4000-8000-{i:012}")
    }

    fn email(i: u64) -> String {
        format!("visitor{i}@example.test")
    }

    /// Word `slot` of conversation i: the product of two uniform draws, so word k of V is drawn
    /// about as often as -ln(k/V): a few words are everywhere and the last ones rare.
    fn word(&self, i: u64, slot: u64) -> usize {
        let (a, b) = (hash(i, slot, MULTIPLIER) >> 16, hash(i, slot, SECOND_MULTIPLIER) >> 16);
        ((a * b * self.words.len() as u64) >> 32) as usize
    }

    fn word_sql(&self, slot: u64) -> String {
        let (a, b) = (hash_sql(slot, MULTIPLIER), hash_sql(slot, SECOND_MULTIPLIER));
        format!("rtrim(substr(b, ((({a} >> 16) * ({b} >> 16) * {}) >> 32) * {WIDTH} + 1, {WIDTH}))", self.words.len())
    }

    fn row(&self, i: u64) -> Row {
        // The 24 bits of a time, the 16 highest of them for a pick among a few.
        let pick = |n: usize, among: u64| (attribute(i, n) >> 8) % among;
        let closed_at = self.now - ((attribute(i, 0) * SPAN_DAYS * DAY_MS) >> 24);
        let started_at = closed_at - (60_000 + attribute(i, 1) % 1_740_000);
        let ended = if pick(3, 2) == 1 { ModeReason::Inactive } else { ModeReason::CustomerEnded };
        let (outcome, reason) = match pick(2, 100) {
            0..55 => (Outcome::ResolvedByBot, ended),
            55..85 => (Outcome::ResolvedByPerson, ModeReason::Resolved),
            85..93 => (Outcome::LeftMessage, ModeReason::LeftMessage),
            _ => (Outcome::Abandoned, ended),
        };
        let agent = (outcome == Outcome::ResolvedByPerson).then(|| pick(4, self.agents.len() as u64) as usize);
        let rating = (pick(5, 10) < 3).then(|| 1 + pick(6, 5) as u8);
        let words = (0..WORDS).map(|slot| self.word(i, slot)).collect();
        Row { i, closed_at, started_at, outcome, reason, agent, rating, words }
    }

    fn entry(&self, row: &Row) -> HistoryEntry {
        let preview = row.words[..3].iter().map(|&k| self.words[k]).collect::<Vec<_>>().join(" ");
        HistoryEntry {
            id: Self::id(row.i),
            started_at: row.started_at,
            closed_at: row.closed_at,
            visitor_name: None,
            visitor_email: Some(Self::email(row.i)),
            outcome: row.outcome,
            closed_because: row.reason,
            agents: row.agent.map(|a| self.agents[a].clone()).into_iter().collect(),
            rating: row.rating,
            flags: Vec::new(),
            preview,
            previous: None,
        }
    }

    /// The whole record: the entry, the visitor, who held it; the transcript is left empty, its
    /// words are in the index as if its messages had said them.
    fn record(&self, row: &Row) -> HistoryRecord {
        let holdings = row
            .agent
            .map(|a| Holding { agent: self.agents[a].clone(), from: row.started_at + 30_000, to: row.closed_at })
            .into_iter()
            .collect();
        HistoryRecord {
            entry: self.entry(row),
            visitor: VisitorInfo { email: Some(Self::email(row.i)), ..VisitorInfo::default() },
            events: Vec::new(),
            insight: None,
            holdings,
        }
    }

    /// The SQL string holding every word padded to `WIDTH` bytes: word k is bytes k*WIDTH to
    /// (k+1)*WIDTH of it read as a blob, found in constant time.
    fn vocabulary_sql(&self) -> String {
        quote(&self.words.iter().map(|w| format!("{w:<WIDTH$}")).collect::<String>())
    }

    /// The recursive CTE counting the conversations, and the vocabulary.
    fn numbers_sql(&self) -> String {
        format!(
            "WITH RECURSIVE\n  n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {}),\n  v(b) AS (SELECT CAST({} AS BLOB))",
            self.rows.saturating_sub(1),
            self.vocabulary_sql()
        )
    }

    /// One row per conversation, as `edge/src/history.rs` stores one: the filter columns, the
    /// entry and the record as JSON (built with SQLite's JSON functions), `agent_ids` and `flags`
    /// as space-framed lists.
    fn conversations_sql(&self) -> Result<String, String> {
        let agents = serde_json::to_string(&self.agents).map_err(|e| format!("the agents as JSON: {e}"))?;
        let a = attribute_sql;
        let pick = |n: usize| format!("({} >> 8)", attribute_sql(n));
        Ok(format!(
            "{numbers},
  drawn(i, o, inactive, agent, rated, score, closed_at, preview) AS (
    SELECT i, {p2} % 100, {p3} % 2, {p4} % {agent_count}, {p5} % 10 < 3, 1 + {p6} % 5,
      {now} - (({a0} * {span}) >> 24),
      printf('%s %s %s', {w0}, {w1}, {w2})
    FROM n, v),
  shaped(id, email, closed_at, started_at, person, outcome, reason, agent, rating, preview) AS (
    SELECT printf('00000000-0000-4000-8000-%012d', i), printf('visitor%d@example.test', i),
      closed_at, closed_at - (60000 + {a1} % 1740000), o >= 55 AND o < 85,
      iif(o < 55, 'resolved_by_bot', iif(o < 85, 'resolved_by_person', iif(o < 93, 'left_message', 'abandoned'))),
      iif(o >= 55 AND o < 85, 'resolved', iif(o >= 85 AND o < 93, 'left_message', iif(inactive, 'inactive', 'customer_ended'))),
      json_extract({agents}, '$[' || agent || ']'),
      iif(rated, score, NULL),
      preview
    FROM drawn),
  shown(id, email, closed_at, started_at, outcome, rating, agent_ids, holdings, entry) AS (
    SELECT id, email, closed_at, started_at, outcome, rating,
      iif(person, ' ' || json_extract(agent, '$.id') || ' ', '  '),
      iif(person, json_array(json_object('agent', json(agent), 'from', started_at + 30000, 'to', closed_at)), json_array()),
      json_patch(
        json_object('id', id, 'started_at', started_at, 'closed_at', closed_at, 'visitor_email', email,
          'outcome', outcome, 'closed_because', reason,
          'agents', json(iif(person, json_array(json(agent)), json_array())), 'flags', json_array(), 'preview', preview),
        json_object('rating', rating))
    FROM shaped)
INSERT INTO conversations (site, id, started_at, closed_at, outcome, rating, visitor_email, agent_ids, flags, entry, record)
SELECT {site}, id, started_at, closed_at, outcome, rating, email, agent_ids, '  ', entry,
  json_object('entry', json(entry), 'visitor', json_object('email', email), 'events', json_array(), 'holdings', json(holdings))
FROM shown",
            numbers = self.numbers_sql(),
            a0 = a(0),
            a1 = a(1),
            p2 = pick(2),
            p3 = pick(3),
            p4 = pick(4),
            p5 = pick(5),
            p6 = pick(6),
            agent_count = self.agents.len(),
            now = self.now,
            span = SPAN_DAYS * DAY_MS,
            w0 = self.word_sql(0),
            w1 = self.word_sql(1),
            w2 = self.word_sql(2),
            agents = quote(&agents),
            site = quote(CHAT_SITE),
        ))
    }

    /// What a search finds each conversation by: its visitor's email, then its words.
    fn index_sql(&self) -> String {
        let formats = vec!["%s"; WORDS as usize].join(" ");
        let words: Vec<String> = (0..WORDS).map(|slot| self.word_sql(slot)).collect();
        format!(
            "{}\nINSERT INTO conversations_fts (site, id, body)\nSELECT {}, printf('00000000-0000-4000-8000-%012d', i),\n  printf('visitor%d@example.test\n{formats}', i,\n    {})\nFROM n, v",
            self.numbers_sql(),
            quote(CHAT_SITE),
            words.join(",\n    ")
        )
    }

    /// The two statements, as one `--command`.
    pub fn sql(&self) -> Result<String, String> {
        Ok(format!("{};\n{};\n", self.conversations_sql()?, self.index_sql()))
    }

    fn rows(&self) -> Vec<Row> {
        (0..self.rows).map(|i| self.row(i)).collect()
    }

    /// In how many conversations each word is.
    fn word_counts(&self, rows: &[Row]) -> Vec<usize> {
        let mut counts = vec![0; self.words.len()];
        for row in rows {
            let mut seen = row.words.clone();
            seen.sort_unstable();
            seen.dedup();
            for k in seen {
                counts[k] += 1;
            }
        }
        counts
    }

    fn email_row(&self) -> u64 {
        ((self.rows as f64 * EMAIL_SHARE) as u64).min(self.rows.saturating_sub(1))
    }
}

/// How many conversations `keep` picks out, and the ids of the newest first, as the search
/// orders them (close time, then id, both descending), two pages' worth.
fn newest(rows: &[Row], keep: impl Fn(&Row) -> bool) -> (usize, Vec<String>) {
    let mut picked: Vec<(u64, u64)> = rows.iter().filter(|r| keep(r)).map(|r| (r.closed_at, r.i)).collect();
    picked.sort_unstable_by(|a, b| b.cmp(a));
    let count = picked.len();
    let ids = picked.into_iter().take(2 * HISTORY_PAGE as usize).map(|(_, i)| Generated::id(i)).collect();
    (count, ids)
}

// --- Running wrangler d1 execute -----------------------------------------------------------

/// Kills a child's whole process group (wrangler and its workerd) when dropped, also when the
/// part is abandoned at its limit.
struct Group(Option<u32>);

impl Drop for Group {
    fn drop(&mut self) {
        if let Some(pid) = self.0 {
            // SAFETY: a plain syscall on the process group this part created for the child.
            unsafe {
                libc::kill(-(pid as libc::pid_t), libc::SIGKILL);
            }
        }
    }
}

fn tail(text: &str, chars: usize) -> String {
    let skip = text.chars().count().saturating_sub(chars);
    text.chars().skip(skip).collect()
}

/// Runs `sql` with `wrangler d1 execute baton-history --local` on the stack's state, from the
/// snapshot's directory and with its wrangler.toml; what it prints goes to `d1-execute.log`.
async fn execute(dir: &Path, sql: &str) -> Result<(), String> {
    let mut cmd = tokio::process::Command::new(wrangler_bin());
    cmd.args(["d1", "execute", DATABASE, "--local", "--yes", "--persist-to"])
        .arg(dir.join("state"))
        .arg("--config")
        .arg(dir.join("wrangler.toml"))
        .arg("--command")
        .arg(sql)
        .env("WRANGLER_SEND_METRICS", "false")
        .env("CI", "true")
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    let child = cmd.spawn().map_err(|e| format!("cannot start wrangler d1 execute ({:?}): {e}", wrangler_bin()))?;
    let _group = Group(child.id());
    let output = tokio::time::timeout(GENERATION_LIMIT, child.wait_with_output())
        .await
        .map_err(|_| format!("wrangler d1 execute did not finish within {GENERATION_LIMIT:?}"))?
        .map_err(|e| format!("wrangler d1 execute: {e}"))?;
    let printed = format!("{}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    let log = dir.join("d1-execute.log");
    let _ = std::fs::write(&log, &printed);
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "wrangler d1 execute failed ({}): {} (all of it in {})",
            output.status,
            tail(printed.trim(), 600),
            log.display()
        ))
    }
}

fn is_lock(error: &str) -> bool {
    let error = error.to_lowercase();
    error.contains("locked") || error.contains("sqlite_busy")
}

/// Writes the history into the database of the running server (whose worker made the tables);
/// if the server holds the database locked, writes it with the server stopped and starts it
/// again. Says how it went.
async fn generate(stack: &mut FrozenStack, sql: &str) -> Result<String, String> {
    match execute(&stack.dir, sql).await {
        Ok(()) => Ok("while wrangler dev was running".into()),
        Err(e) if is_lock(&e) => {
            println!("history: the running server holds the database ({e}); generating with it stopped");
            let dir = stack.dir.clone();
            stack.while_stopped(execute(&dir, sql)).await??;
            Ok(format!("with wrangler dev stopped and started again, because while it ran: {e}"))
        }
        Err(e) => Err(e),
    }
}

// --- Talking to the worker -----------------------------------------------------------------

/// GETs as one agent of the bench site, timed from the request to the whole body.
struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Client {
    fn new(base: &str, token: &str) -> Result<Client, String> {
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Client { http, base: base.to_string(), token: token.to_string() })
    }

    /// The milliseconds until the whole body arrived, and the body; an error unless 200.
    async fn timed(&self, path: &str) -> Result<(f64, String), String> {
        let started = Instant::now();
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(|e| format!("GET {path}: {e}"))?;
        let status = response.status().as_u16();
        let body = response.text().await.map_err(|e| format!("GET {path}: reading the body: {e}"))?;
        let elapsed = millis(started.elapsed());
        if status == 200 {
            Ok((elapsed, body))
        } else {
            Err(format!("GET {path}: HTTP {status}: {}", body.chars().take(200).collect::<String>()))
        }
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<(f64, T), String> {
        let (elapsed, body) = self.timed(path).await?;
        let value = serde_json::from_str(&body).map_err(|e| format!("GET {path}: undecodable ({e}): {body:.200}"))?;
        Ok((elapsed, value))
    }
}

fn search_path(query: &str) -> String {
    format!("/api/sites/{CHAT_SITE}/history?{query}")
}

fn record_path(id: &str) -> String {
    format!("/api/sites/{CHAT_SITE}/history/{id}")
}

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

fn differs<T: serde::Serialize + PartialEq>(what: &str, got: &T, want: &T) -> Option<String> {
    (got != want).then(|| {
        let show = |v: &T| serde_json::to_string(v).unwrap_or_default().chars().take(400).collect::<String>();
        format!("{what}: the worker read {} where the generator made {}", show(got), show(want))
    })
}

/// The conversation of one email, found by the search and opened whole, as the worker reads
/// them back, against what the generator made. Fails if the worker cannot read them at all
/// (then every figure would be of an empty history): after one restart of wrangler dev, in case
/// the running server did not see what another process wrote to its database.
async fn check_rows(stack: &mut FrozenStack, client: &Client, generated: &Generated) -> Result<Vec<String>, String> {
    let row = generated.row(generated.email_row());
    let path = search_path(&format!("q=visitor{}%40example.test", row.i));
    let (_, mut page): (f64, HistoryPage) = client.get(&path).await?;
    if page.conversations.is_empty() {
        println!("history: the search does not find the generated rows; restarting wrangler dev on the same state");
        stack.while_stopped(async {}).await?;
        page = client.get(&path).await?.1;
    }
    let want = generated.record(&row);
    let Some(entry) = page.conversations.first() else {
        return Err(format!(
            "the worker does not find the generated conversations (GET {path} lists none, also after a restart): \
             their rows are not visible to it or do not decode as a HistoryEntry; see {} and {}",
            stack.log.display(),
            stack.dir.join("d1-execute.log").display()
        ));
    };
    let mut checks: Vec<String> =
        differs("the entry of the email's conversation", entry, &want.entry).into_iter().collect();
    if page.conversations.len() != 1 {
        checks.push(format!("the email search listed {} conversations, not 1", page.conversations.len()));
    }
    let (_, record): (f64, HistoryRecord) = client
        .get(&record_path(&want.entry.id))
        .await
        .map_err(|e| format!("the generated record of {} does not read back as a HistoryRecord: {e}", want.entry.id))?;
    checks.extend(differs("the record of the email's conversation", &record, &want));
    Ok(checks)
}

// --- The searches --------------------------------------------------------------------------

struct Search {
    key: &'static str,
    what: String,
    query: String,
    /// The query as the report shows it.
    shown: String,
    /// Conversations that match, by the generator's arithmetic.
    matching: usize,
    /// The ids its page must list, by the same arithmetic.
    expected: Vec<String>,
}

impl Search {
    fn new(
        key: &'static str,
        what: String,
        query: String,
        (matching, ids): (usize, Vec<String>),
        page: usize,
    ) -> Search {
        let page_size = HISTORY_PAGE as usize;
        let expected = ids.into_iter().skip(page * page_size).take(page_size).collect();
        Search { key, what, shown: query.clone(), query, matching, expected }
    }
}

#[derive(Default)]
struct Timings {
    first_ms: Option<f64>,
    first_page: Option<usize>,
    samples: Vec<f64>,
}

/// The searches over the generated history: each kind once to warm it up and check its page,
/// then `repeats` rounds of every kind in turn, and the baseline (opening one conversation by
/// its id) in each round. Stops repeating at `deadline`.
async fn searches(
    client: &Client,
    generated: &Generated,
    rows: &[Row],
    repeats: usize,
    deadline: Instant,
    checks: &mut Vec<String>,
) -> Result<Value, String> {
    let counts = generated.word_counts(rows);
    let common = (0..counts.len()).max_by_key(|&k| (counts[k], std::cmp::Reverse(k))).unwrap_or(0);
    // The rare word: in about ten conversations (at least one).
    let rare = (0..counts.len())
        .filter(|&k| counts[k] > 0)
        .min_by_key(|&k| (counts[k].abs_diff(10), k))
        .unwrap_or(counts.len() - 1);
    let (common_word, rare_word) = (generated.words[common], generated.words[rare]);
    let has = |k: usize| move |r: &Row| r.words.contains(&k);
    let email = generated.email_row();
    let (from, to) = (generated.now - 45 * DAY_MS, generated.now - 44 * DAY_MS);
    let mut kinds = vec![
        Search::new(
            "common_word",
            format!("a common word (\"{common_word}\")"),
            format!("q={common_word}"),
            newest(rows, has(common)),
            0,
        ),
        Search::new(
            "rare_word",
            format!("a rare word (\"{rare_word}\")"),
            format!("q={rare_word}"),
            newest(rows, has(rare)),
            0,
        ),
        Search::new(
            "email",
            "a visitor's email".into(),
            format!("q=visitor{email}%40example.test"),
            newest(rows, |r| r.i == email),
            0,
        ),
        Search::new(
            "word_and_outcome",
            "the common word, abandoned conversations only".into(),
            format!("q={common_word}&outcome=abandoned"),
            newest(rows, |r| r.words.contains(&common) && r.outcome == Outcome::Abandoned),
            0,
        ),
        Search::new(
            "date_range",
            "one day, 45 days back, no words".into(),
            format!("from={from}&to={to}"),
            newest(rows, |r| (from..to).contains(&r.closed_at)),
            0,
        ),
    ];
    let mut timings: Vec<Timings> = Vec::new();
    // Warm-up: each kind once, untimed in the figures; its page checked against the arithmetic.
    let mut cursor = None;
    for kind in &kinds {
        let (ms, page): (f64, HistoryPage) = client.get(&search_path(&kind.query)).await?;
        check_page(kind, &page, checks);
        if kind.key == "common_word" {
            cursor = page.next.clone();
        }
        timings.push(Timings { first_ms: Some(ms), first_page: Some(page.conversations.len()), samples: Vec::new() });
    }
    let cursor = cursor.ok_or_else(|| format!("the search for \"{common_word}\" has no second page"))?;
    let mut second = Search::new(
        "second_page",
        "the common word's second page".into(),
        format!("q={common_word}&before={cursor}"),
        newest(rows, has(common)),
        1,
    );
    second.shown = format!("q={common_word}&before=(the first page's cursor)");
    let (ms, page): (f64, HistoryPage) = client.get(&search_path(&second.query)).await?;
    check_page(&second, &page, checks);
    timings.push(Timings { first_ms: Some(ms), first_page: Some(page.conversations.len()), samples: Vec::new() });
    kinds.push(second);
    let record = record_path(&Generated::id(email));
    let (ms, _): (f64, HistoryRecord) = client.get(&record).await?;
    let mut baseline = Timings { first_ms: Some(ms), first_page: None, samples: Vec::new() };

    let mut errors: Vec<String> = Vec::new();
    let mut rounds = 0;
    while rounds < repeats && Instant::now() < deadline {
        for (kind, timing) in kinds.iter().zip(timings.iter_mut()) {
            match client.timed(&search_path(&kind.query)).await {
                Ok((ms, _)) => timing.samples.push(ms),
                Err(e) => errors.push(e),
            }
        }
        match client.timed(&record).await {
            Ok((ms, _)) => baseline.samples.push(ms),
            Err(e) => errors.push(e),
        }
        rounds += 1;
    }
    let base = Summary::of(&baseline.samples);
    let mut all = Vec::new();
    let mut out = Vec::new();
    for (kind, timing) in kinds.iter().zip(&timings) {
        let s = Summary::of(&timing.samples);
        println!(
            "history search, {}: p50 {:.1} ms p99 {:.1} ms max {:.1} ms ({} matching, {} on the page)",
            kind.what,
            s.p50,
            s.p99,
            s.max,
            kind.matching,
            timing.first_page.unwrap_or(0)
        );
        all.extend_from_slice(&timing.samples);
        out.push(json!({
            "kind": kind.key,
            "what": kind.what,
            "query": kind.shown,
            "matching": kind.matching,
            "first_page": timing.first_page,
            "first_request_ms": timing.first_ms.map(round),
            "ms": s.json(),
            "ratio_p50": ratio(s.p50, base.p50),
        }));
    }
    let overall = Summary::of(&all);
    println!(
        "history search, all kinds: p50 {:.1} ms p99 {:.1} ms | opening one conversation p50 {:.1} ms",
        overall.p50, overall.p99, base.p50
    );
    let errors_total = errors.len();
    errors.truncate(MAX_ERRORS);
    Ok(json!({
        "rounds": rounds,
        "kinds": out,
        "overall_ms": overall.json(),
        "baseline": {
            "what": "open one closed conversation by its id (GET /api/sites/bench/history/{id})",
            "first_request_ms": baseline.first_ms.map(round),
            "ms": base.json(),
        },
        "ratio_overall": ratios(&overall, &base),
        "failed_requests": errors_total,
        "errors": errors,
    }))
}

fn check_page(kind: &Search, page: &HistoryPage, checks: &mut Vec<String>) {
    let got: Vec<&str> = page.conversations.iter().map(|c| c.id.as_str()).collect();
    let want: Vec<&str> = kind.expected.iter().map(String::as_str).collect();
    if got != want {
        let show = |ids: &[&str]| {
            ids.iter()
                .take(3)
                .map(|id| id.trim_start_matches("00000000-0000-4000-8000-"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        checks.push(format!(
            "{}: the page listed {} conversations ({}…) where the generator predicts {} ({}…)",
            kind.what,
            got.len(),
            show(&got),
            want.len(),
            show(&want)
        ));
    }
}

// --- The cost of a close -------------------------------------------------------------------

struct Close {
    ack_ms: f64,
    closed_ms: f64,
    findable_ms: f64,
}

/// The seq of a frame that answers the customer: the bot's words, or a mode change (the bot
/// handing over).
fn answer_seq(frame: &ServerFrame) -> Option<u64> {
    match frame {
        ServerFrame::Event { event } if event.author == Author::Bot || matches!(event.body, EventBody::Mode { .. }) => {
            Some(event.seq)
        }
        _ => None,
    }
}

/// The customer's message: the milliseconds until its ack. Returns once an answer stored after
/// it has arrived too (or `REPLY_LIMIT` after the ack), so the close does not queue behind the
/// bot's turn; an answer from before (the greeting) does not count.
async fn say(customer: &mut Ws, id: &str, text: String) -> Result<f64, String> {
    let started = Instant::now();
    customer.send(encode(&ClientFrame::send(id, text))).await?;
    // The ack's time, its seq, and when it came.
    let mut ack: Option<(f64, u64, Instant)> = None;
    let mut latest_answer = 0;
    loop {
        if let Some((ms, seq, _)) = ack
            && latest_answer > seq
        {
            return Ok(ms);
        }
        let until = ack.map_or(started + ANSWER_LIMIT, |(_, _, at)| at + REPLY_LIMIT);
        let text = match customer.next_within(until.saturating_duration_since(Instant::now())).await {
            Ok(text) => text,
            Err(e) => {
                return ack.map(|(ms, _, _)| ms).ok_or_else(|| format!("waiting for the message's ack: {e}"));
            }
        };
        match decode(&text) {
            Some(ServerFrame::Ack { client_id, seq }) if client_id == id => {
                ack = Some((millis(started.elapsed()), seq, Instant::now()));
            }
            Some(ServerFrame::Error { code, message, .. }) => {
                return Err(format!("the message was refused: {}: {message}", code.as_str()));
            }
            Some(frame) => latest_answer = latest_answer.max(answer_seq(&frame).unwrap_or(0)),
            None => {}
        }
    }
}

/// Polls the search for `word` every `POLL` until it lists `conversation`; the milliseconds
/// from `started` to the answer that listed it.
async fn findable(client: &Client, word: &str, conversation: &str, started: Instant) -> Result<f64, String> {
    let path = search_path(&format!("q={word}"));
    loop {
        let (_, page): (f64, HistoryPage) = client.get(&path).await?;
        if page.conversations.iter().any(|c| c.id == conversation) {
            return Ok(millis(started.elapsed()));
        }
        if started.elapsed() >= FIND_LIMIT {
            return Err(format!("{conversation} was not found by \"{word}\" within {FIND_LIMIT:?} of its close"));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// One conversation: started, one customer message over the socket, then "End chat".
async fn close_one(rest: &Rest, client: &Client, ws_base: &str, i: usize) -> Result<Close, String> {
    let (conversation, token) = sites::start(rest, CHAT_SITE).await?;
    let mut customer = connect(&conversation_url(ws_base, CHAT_SITE, &conversation, &token)).await?;
    // A word no other conversation holds, nor begins with (fixed width).
    let word = format!("qxprobe{i:04}");
    let ack_ms =
        say(&mut customer, &format!("m{i}"), format!("How long does shipping take? My reference is {word}")).await?;
    let started = Instant::now();
    customer.send(encode(&ClientFrame::End { client_id: format!("e{i}") })).await?;
    let closed = async {
        wait_for(&mut customer, "the close", ANSWER_LIMIT, |f| is_mode(f, Mode::Closed))
            .await
            .map(|_| millis(started.elapsed()))
    };
    let (closed, found) = tokio::join!(closed, findable(client, &word, &conversation, started));
    customer.close().await;
    Ok(Close { ack_ms, closed_ms: closed?, findable_ms: found? })
}

async fn closes(rest: &Rest, client: &Client, ws_base: &str, count: usize, deadline: Instant) -> Value {
    let (mut done, mut errors) = (Vec::new(), Vec::new());
    for i in 0..count {
        if Instant::now() >= deadline {
            errors.push(format!("stopped at the part's deadline after {i} of {count} conversations"));
            break;
        }
        match close_one(rest, client, ws_base, i).await {
            Ok(close) => done.push(close),
            Err(e) => errors.push(e),
        }
    }
    let summary = |f: fn(&Close) -> f64| Summary::of(&done.iter().map(f).collect::<Vec<_>>());
    let (ack, closed, found) = (summary(|c| c.ack_ms), summary(|c| c.closed_ms), summary(|c| c.findable_ms));
    let after = summary(|c| c.findable_ms - c.closed_ms);
    println!(
        "history: close event p50 {:.1} ms p99 {:.1} ms | findable p50 {:.1} ms p99 {:.1} ms | message ack p50 {:.1} ms",
        closed.p50, closed.p99, found.p50, found.p99, ack.p50
    );
    let failed = errors.len();
    errors.truncate(MAX_ERRORS);
    json!({
        "conversations": done.len(),
        "poll_ms": millis(POLL),
        "close_event_ms": closed.json(),
        "findable_ms": found.json(),
        "findable_after_close_event_ms": after.json(),
        "message_ack_ms": ack.json(),
        "ratio_close_to_ack": ratios(&closed, &ack),
        "failed": failed,
        "errors": errors,
    })
}

// --- The part ------------------------------------------------------------------------------

/// The whole part on `stack` (serving the bench site): generate, check, search, close. Ends
/// its repetitions at `deadline`, keeping what was measured.
pub async fn run(stack: &mut FrozenStack, rest: &Rest, plan: &Plan, deadline: Instant) -> Result<Value, String> {
    let mut agents = Vec::new();
    let mut token = None;
    for i in 1..=HISTORY_AGENTS {
        let login = sites::agent_login(rest, CHAT_SITE, i).await?;
        token.get_or_insert(login.token);
        agents.push(login.agent);
    }
    let client = Client::new(&stack.base, token.as_deref().unwrap_or_default())?;
    // The worker creates the history's tables when it first uses them.
    let (_, before): (f64, HistoryPage) = client.get(&search_path("limit=1")).await?;
    if !before.conversations.is_empty() {
        return Err("the stack's history is not empty before the generation".into());
    }

    let generated = Generated::new(plan.history_conversations, now_ms(), agents);
    let sql = generated.sql()?;
    println!("history: generating {} closed conversations in D1 with wrangler d1 execute", generated.rows);
    let started = Instant::now();
    let how = generate(stack, &sql).await?;
    let generation_s = started.elapsed().as_secs_f64();
    println!("history: generated in {generation_s:.1} s, {how}");
    let rows = generated.rows();
    let outcomes: serde_json::Map<String, Value> = Outcome::ALL
        .iter()
        .map(|o| (o.as_str().to_string(), json!(rows.iter().filter(|r| r.outcome == *o).count())))
        .collect();
    let rated = rows.iter().filter(|r| r.rating.is_some()).count();
    let mut checks = check_rows(stack, &client, &generated).await?;

    // Two thirds of what is left for the searches, the rest for the closes.
    let search_deadline = Instant::now() + deadline.saturating_duration_since(Instant::now()) * 2 / 3;
    let searched = searches(&client, &generated, &rows, plan.history_searches, search_deadline, &mut checks).await?;
    let ws_base = stack.base.replacen("http", "ws", 1);
    let close = closes(rest, &client, &ws_base, plan.history_closes, deadline).await;
    if checks.is_empty() {
        println!("history: every page listed what the generator predicts");
    } else {
        println!("history: {} differences from the generator: {}", checks.len(), checks.join("; "));
    }
    Ok(json!({
        "conversations": generated.rows,
        "generation": {
            "seconds": round(generation_s),
            "how": how,
            "sql_bytes": sql.len(),
            "vocabulary": generated.words.len(),
            "words_per_conversation": WORDS,
            "days": SPAN_DAYS,
            "agents": generated.agents.len(),
            "outcomes": outcomes,
            "rated": rated,
        },
        "checks": checks,
        "repeats": plan.history_searches,
        "search": searched,
        "close": close,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated(rows: u64) -> Generated {
        let agent = |i: usize| AgentInfo { id: format!("agent-{i}"), name: format!("Agent {i}"), avatar: None };
        Generated::new(rows, 1_800_000_000_000, (1..=HISTORY_AGENTS).map(agent).collect())
    }

    #[test]
    fn the_vocabulary_is_a_few_hundred_plain_words_none_the_start_of_another() {
        let words = vocabulary();
        assert!(words.len() >= 300, "{}", words.len());
        let reserved = ["visitor", "example", "test", "qxprobe"];
        for a in &words {
            assert!(a.len() <= WIDTH && a.bytes().all(|b| b.is_ascii_lowercase()), "{a}");
            for b in words.iter().chain(&reserved) {
                assert!(a == b || !b.starts_with(a), "{a} begins {b}");
            }
        }
    }

    #[test]
    fn common_words_are_in_many_conversations_and_rare_ones_in_few() {
        let g = generated(100_000);
        let counts = g.word_counts(&g.rows());
        assert!(counts[0] > 15_000, "{}", counts[0]);
        let rarest = counts.iter().min().copied().unwrap_or(0);
        assert!((1..=30).contains(&rarest), "{rarest}");
        let median = {
            let mut sorted = counts.clone();
            sorted.sort_unstable();
            sorted[sorted.len() / 2]
        };
        assert!((500..5_000).contains(&median), "{median}");
    }

    #[test]
    fn rows_spread_over_90_days_and_every_outcome() {
        let g = generated(10_000);
        let rows = g.rows();
        let oldest = rows.iter().map(|r| r.closed_at).min().unwrap_or(0);
        assert!(g.now - oldest > 89 * DAY_MS && g.now - oldest < 90 * DAY_MS);
        for outcome in Outcome::ALL {
            let share = rows.iter().filter(|r| r.outcome == *outcome).count() as f64 / rows.len() as f64;
            assert!(share > 0.03, "{outcome:?} {share}");
        }
        assert!(
            rows.iter()
                .all(|r| r.started_at < r.closed_at && r.agent.is_some() == (r.outcome == Outcome::ResolvedByPerson))
        );
        let rated = rows.iter().filter(|r| r.rating.is_some()).count();
        assert!((2_000..4_000).contains(&rated), "{rated}");
        let record = g.record(&rows[7]);
        assert_eq!(record.entry.preview.split(' ').count(), 3);
        let email = g.email_row();
        assert_eq!(generated(100_000).email_row(), 12_345);
        assert!(email < g.rows);
    }

    #[test]
    fn the_sql_fits_d1s_limits_and_the_splitter_of_wrangler() {
        let sql = generated(100_000).sql().unwrap();
        let statements: Vec<&str> = sql.split(';').map(str::trim).filter(|s| !s.is_empty()).collect();
        assert_eq!(statements.len(), 2);
        for statement in statements {
            // workerd limits a statement to 100,000 bytes.
            assert!(statement.len() < 100_000, "{}", statement.len());
            // wrangler splits statements on ';' and keeps CASE … END together by looking for
            // `END` followed by a space: the generator uses iif() instead.
            assert!(!statement.to_uppercase().contains(" CASE "));
        }
    }
}
