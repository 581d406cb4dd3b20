//! How far a translation is: aligned sections compared with their source.
//!
//! For one source edition and one translation, [`compare`] aligns the
//! sections ([`crate::align`]) and decides, for every source section, whether
//! its counterpart is translated, partly translated, still in the source
//! language, or missing — and which translated sections have no source, and
//! which sections show other images than their source. The section rules and
//! `lockstep status` both read this; nothing here prints or touches the disk.
//!
//! "Still in the source language" is judged on prose only (paragraphs and
//! table cells; code, URLs, images and inline code are left out): a block is
//! untranslated when it is identical or nearly identical to a block of the
//! source section, or when it is written in the source language — decided
//! by script for targets written in another script (Korean, Japanese,
//! Chinese, Russian …), and by whatlang's language identification between the
//! two languages for targets in the same script (German, Spanish …).

use std::sync::Arc;

use unicode_script::{Script, UnicodeScript};
use whatlang::{Detector, Lang};

use crate::align::{self, Alignment, Features};
use crate::index::Index;
use crate::parse::Document;
use crate::source::{FileId, HashSet, SourceFile, Span};

/// The state of one source section in one translation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Translated,
    Partial,
    Untranslated,
    Stale,
    Missing,
    Extra,
    /// Its counterpart could not be found with confidence.
    Uncertain,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Translated => "translated",
            State::Partial => "partial",
            State::Untranslated => "untranslated",
            State::Stale => "stale",
            State::Missing => "missing",
            State::Extra => "extra",
            State::Uncertain => "uncertain",
        }
    }
}

/// The language of a block of prose, as far as it can be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Source,
    Target,
    Unknown,
}

/// Maps a BCP 47-ish tag (`ko`, `zh-Hans`, `pt-BR`) to whatlang's language.
fn whatlang_lang(tag: &str) -> Option<Lang> {
    let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
    let code = match primary.as_str() {
        "af" => "afr",
        "am" => "amh",
        "ar" => "ara",
        "az" => "aze",
        "be" => "bel",
        "bg" => "bul",
        "bn" => "ben",
        "ca" => "cat",
        "cs" => "ces",
        "cy" => "cym",
        "da" => "dan",
        "de" => "deu",
        "el" => "ell",
        "en" => "eng",
        "eo" => "epo",
        "es" => "spa",
        "et" => "est",
        "fa" => "pes",
        "fi" => "fin",
        "fr" => "fra",
        "gu" => "guj",
        "he" => "heb",
        "hi" => "hin",
        "hr" => "hrv",
        "hu" => "hun",
        "hy" => "hye",
        "id" => "ind",
        "it" => "ita",
        "ja" => "jpn",
        "jv" => "jav",
        "ka" => "kat",
        "km" => "khm",
        "kn" => "kan",
        "ko" => "kor",
        "la" => "lat",
        "lt" => "lit",
        "lv" => "lav",
        "mk" => "mkd",
        "ml" => "mal",
        "mr" => "mar",
        "my" => "mya",
        "nb" | "no" => "nob",
        "ne" => "nep",
        "nl" => "nld",
        "or" => "ori",
        "pa" => "pan",
        "pl" => "pol",
        "pt" => "por",
        "ro" => "ron",
        "ru" => "rus",
        "si" => "sin",
        "sk" => "slk",
        "sl" => "slv",
        "sn" => "sna",
        "sr" => "srp",
        "sv" => "swe",
        "ta" => "tam",
        "te" => "tel",
        "th" => "tha",
        "tk" => "tuk",
        "tl" => "tgl",
        "tr" => "tur",
        "uk" => "ukr",
        "ur" => "urd",
        "uz" => "uzb",
        "vi" => "vie",
        "yi" => "yid",
        "zh" => "cmn",
        "zu" => "zul",
        _ => return None,
    };
    Lang::from_code(code)
}

/// Letters of a text, split by whether they are in the source's script.
struct ScriptCount {
    source: usize,
    /// Other-script letters, weighted: one CJK or Hangul character counts as
    /// three (it carries about as much as a short Latin word).
    other: usize,
}

fn count_scripts(text: &str, source: Script) -> ScriptCount {
    let mut c = ScriptCount {
        source: 0,
        other: 0,
    };
    classified(|k| {
        for ch in text.chars() {
            // ASCII letters are Latin; everything else asks the Unicode tables.
            if ch.is_ascii() {
                if ch.is_ascii_alphabetic() {
                    if source == Script::Latin {
                        c.source += 1;
                    } else {
                        c.other += 1;
                    }
                }
                continue;
            }
            let class = k.class(ch);
            if !class.alphabetic {
                continue;
            }
            match class.script {
                s if s == source => c.source += 1,
                Script::Common | Script::Inherited | Script::Unknown => {}
                Script::Han | Script::Hangul | Script::Hiragana | Script::Katakana => c.other += 3,
                _ => c.other += 1,
            }
        }
    });
    c
}

/// Words of two or more letters written in `script` (the runs of alphabetic
/// characters).
fn source_words(text: &str, script: Script) -> usize {
    classified(|k| {
        let (mut words, mut run, mut in_script) = (0, 0, true);
        for ch in text.chars() {
            let class = k.class(ch);
            if class.alphabetic {
                run += 1;
                in_script &= class.script == script;
                continue;
            }
            if run >= 2 && in_script {
                words += 1;
            }
            (run, in_script) = (0, true);
        }
        if run >= 2 && in_script {
            words += 1;
        }
        words
    })
}

/// The script most letters of the texts are written in.
pub fn dominant_script<'a>(texts: impl Iterator<Item = &'a str>) -> Option<Script> {
    let mut counts: std::collections::HashMap<Script, usize> = std::collections::HashMap::new();
    classified(|k| {
        for text in texts {
            for ch in text.chars() {
                let class = k.class(ch);
                if !class.alphabetic {
                    continue;
                }
                match class.script {
                    Script::Common | Script::Inherited | Script::Unknown => {}
                    s => *counts.entry(s).or_default() += 1,
                }
            }
        }
    });
    counts
        .into_iter()
        .max_by_key(|&(s, n)| (n, s as u16))
        .map(|(s, _)| s)
}

/// What the judges ask of a character: the standard library's
/// `is_alphabetic` and `is_alphanumeric`, and unicode-script's script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Class {
    alphabetic: bool,
    alphanumeric: bool,
    script: Script,
}

impl Class {
    fn of(ch: char) -> Class {
        Class {
            alphabetic: ch.is_alphabetic(),
            alphanumeric: ch.is_alphanumeric(),
            script: ch.script(),
        }
    }
}

/// Entries of the per-thread memory of characters' classes.
const CLASS_SLOTS: usize = 1024;

thread_local! {
    /// Each non-ASCII character's class, in the slot of its low bits: a
    /// text repeats a few hundred letters, and each lookup of its own
    /// searches three tables. (`u32::MAX` is no character: an empty slot.)
    static CLASSES: [std::cell::Cell<(u32, Class)>; CLASS_SLOTS] = const {
        [const {
            std::cell::Cell::new((
                u32::MAX,
                Class {
                    alphabetic: false,
                    alphanumeric: false,
                    script: Script::Unknown,
                },
            ))
        }; CLASS_SLOTS]
    };
}

/// Characters' classes ([`Class::of`]), remembered.
struct Classifier<'a>(&'a [std::cell::Cell<(u32, Class)>; CLASS_SLOTS]);

impl Classifier<'_> {
    #[inline]
    fn class(&self, ch: char) -> Class {
        if ch.is_ascii() {
            let alphabetic = ch.is_ascii_alphabetic();
            return Class {
                alphabetic,
                alphanumeric: ch.is_ascii_alphanumeric(),
                script: if alphabetic {
                    Script::Latin
                } else {
                    Script::Common
                },
            };
        }
        let slot = &self.0[ch as usize % CLASS_SLOTS];
        let (seen, class) = slot.get();
        if seen == ch as u32 {
            return class;
        }
        let class = Class::of(ch);
        slot.set((ch as u32, class));
        class
    }
}

/// Runs `f` with this thread's [`Classifier`].
fn classified<R>(f: impl FnOnce(&Classifier<'_>) -> R) -> R {
    CLASSES.with(|slots| f(&Classifier(slots)))
}

/// Decides whether prose is in the source language or the target language.
pub struct LanguageJudge {
    source_script: Script,
    /// Whether the translation is written in another script than the source.
    other_script: bool,
    detector: Option<Detector>,
    source: Option<Lang>,
    target: Option<Lang>,
}

impl LanguageJudge {
    /// `source` and `target` are language tags; `source_script` is the
    /// script the source edition is written in ([`dominant_script`]). The
    /// target's script comes from its language, or — for codes whatlang does
    /// not know — from `target_sample`, the translation's prose.
    pub fn new<'a>(
        source: &str,
        target: &str,
        source_script: Script,
        target_sample: impl Iterator<Item = &'a str>,
    ) -> Self {
        let src = whatlang_lang(source);
        let tgt = whatlang_lang(target);
        let script_of = |l: Lang| {
            whatlang::Script::all()
                .iter()
                .find(|s| s.langs().contains(&l))
                .copied()
        };
        let other_script = match (src.and_then(script_of), tgt.and_then(script_of)) {
            (Some(a), Some(b)) => a != b,
            _ => {
                let mut count = ScriptCount {
                    source: 0,
                    other: 0,
                };
                for text in target_sample {
                    let c = count_scripts(text, source_script);
                    count.source += c.source;
                    count.other += c.other;
                }
                count.other * 4 >= count.source.max(1)
            }
        };
        let detector = match (src, tgt) {
            (Some(s), Some(t)) if s != t && !other_script => {
                Some(Detector::with_allowlist(vec![s, t]))
            }
            // A target language the identifier does not know (Malay,
            // Swahili …): only "is it the source language?" can be asked,
            // among every language it knows.
            (Some(_), None) if !other_script => Some(Detector::new()),
            _ => None,
        };
        Self {
            source_script,
            other_script,
            detector,
            source: src,
            target: tgt,
        }
    }

    /// The language of `text`.
    pub fn verdict(&self, text: &str) -> Verdict {
        let c = count_scripts(text, self.source_script);
        if self.other_script {
            if c.other + c.source < 10 {
                return Verdict::Unknown;
            }
            let share = c.other as f64 / (c.other + c.source) as f64;
            // A few words of technical terms ("Pagination", "1. Round robin")
            // are often kept on purpose: only a phrase of some length counts.
            return if share >= 0.15 {
                Verdict::Target
            } else if c.source >= 20 && source_words(text, self.source_script) >= 4 {
                Verdict::Source
            } else {
                Verdict::Unknown
            };
        }
        if c.source < 20 {
            return Verdict::Unknown;
        }
        match &self.detector {
            // The target unknown to the identifier: the source language,
            // recognised reliably, or another language — never the source
            // language by default.
            Some(d) if self.target.is_none() => match d.detect(text) {
                Some(info) if Some(info.lang()) == self.source => {
                    if info.is_reliable() {
                        Verdict::Source
                    } else {
                        Verdict::Unknown
                    }
                }
                Some(_) => Verdict::Target,
                None => Verdict::Unknown,
            },
            Some(d) => match d.detect(text) {
                // Two candidates only: the winner decides unless it is a toss-up.
                Some(info) if info.confidence() < 0.15 => Verdict::Unknown,
                Some(info) if Some(info.lang()) == self.source => Verdict::Source,
                Some(info) if Some(info.lang()) == self.target => Verdict::Target,
                _ => Verdict::Unknown,
            },
            None => Verdict::Unknown,
        }
    }
}

/// Collapses whitespace, for comparing blocks across editions.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for w in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// The set of lowercased words of a text (its runs of alphanumeric characters).
fn words(text: &str) -> HashSet<String> {
    classified(|k| {
        let mut out = HashSet::default();
        let mut start = None;
        for (i, ch) in text.char_indices() {
            match (k.class(ch).alphanumeric, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    out.insert(crate::parse::case::to_lowercase(&text[s..i]));
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            out.insert(crate::parse::case::to_lowercase(&text[s..]));
        }
        out
    })
}

/// Whether a translated block is (nearly) a copy of one of the source blocks.
fn copied(block: &str, source_blocks: &[SourceBlock]) -> bool {
    let norm = normalise(block);
    // A copied label or term ("Asynchronous Logging") is not untranslated
    // prose: at least 20 letters and 4 words of two letters or more.
    let (letters, words_of_two) = classified(|k| {
        let (mut letters, mut words, mut run) = (0, 0, 0);
        for ch in norm.chars() {
            if k.class(ch).alphabetic {
                letters += 1;
                run += 1;
            } else {
                words += usize::from(run >= 2);
                run = 0;
            }
        }
        (letters, words + usize::from(run >= 2))
    });
    if letters < 20 || words_of_two < 4 {
        return false;
    }
    if source_blocks.iter().any(|(s, _)| *s == norm) {
        return true;
    }
    let similar_length =
        |s: &str| norm.len().min(s.len()) as f64 / norm.len().max(s.len()) as f64 > 0.7;
    if !source_blocks.iter().any(|(s, _)| similar_length(s)) {
        return false;
    }
    let w = words(&norm);
    source_blocks.iter().any(|(s, sw)| {
        // Shared words over all words is at most the smaller set's size
        // over the larger's: sets whose sizes differ by more are not compared.
        let (small, large) = (w.len().min(sw.len()), w.len().max(sw.len()));
        similar_length(s) && 5 * small >= 4 * large && {
            let inter = w.intersection(sw).count();
            let union = w.len() + sw.len() - inter;
            union > 0 && inter as f64 / union as f64 >= 0.8
        }
    })
}

/// The judgement on one aligned section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    pub state: State,
    /// For a partial or untranslated section: the first block still in the
    /// source language (in the translation).
    pub first_untranslated: Option<Span>,
}

/// The prose blocks of section `s` (its own content, not its subsections).
fn blocks<'a>(
    doc: &'a Document,
    text: &'a str,
    s: usize,
) -> impl Iterator<Item = crate::parse::Prose<'a>> {
    doc.prose.within(doc.sections[s].span, text)
}

/// A source block prepared for copy detection: whitespace-normalised text
/// and its set of lowercased words.
pub type SourceBlock = (String, HashSet<String>);

/// The prose blocks of every section of a source edition, prepared once and
/// compared with every translation.
pub fn source_blocks(src: &Document, text: &str) -> Vec<Vec<SourceBlock>> {
    (0..src.sections.len())
        .map(|s| {
            blocks(src, text, s)
                .map(|p| {
                    let n = normalise(p.text);
                    let w = words(&n);
                    (n, w)
                })
                .collect()
        })
        .collect()
}

/// Judges translated section `t` against source section `s`, whose blocks
/// are `source_blocks` (from [`source_blocks`]).
pub fn judge_section(
    src: &Document,
    s: usize,
    source_blocks: &[SourceBlock],
    tr: &Document,
    tr_text: &str,
    t: usize,
    judge: &LanguageJudge,
) -> Judgement {
    let (mut untranslated, mut translated) = (0, 0);
    let mut first = None;
    for p in blocks(tr, tr_text, t) {
        if untranslated > 0 && translated > 0 {
            // Partly translated, and the first untranslated block found:
            // the blocks after it change neither.
            break;
        }
        let verdict = if copied(p.text, source_blocks) {
            Verdict::Source
        } else {
            judge.verdict(p.text)
        };
        match verdict {
            Verdict::Source => {
                untranslated += 1;
                first.get_or_insert(p.span);
            }
            Verdict::Target => translated += 1,
            Verdict::Unknown => {}
        }
    }
    let state = match (untranslated, translated) {
        (0, 0) => {
            // Nothing to judge in the body: the heading decides.
            let heading = |d: &Document, i: usize| {
                d.sections[i]
                    .heading()
                    .map(|h| normalise(&d.headings[h].text))
                    .unwrap_or_default()
            };
            let (sh, th) = (heading(src, s), heading(tr, t));
            let letters = th.chars().filter(|c| c.is_alphabetic()).count();
            if letters >= 12 && (sh == th || judge.verdict(&th) == Verdict::Source) {
                if let Some(h) = tr.sections[t].heading() {
                    first = Some(tr.headings[h].span);
                }
                State::Untranslated
            } else {
                State::Translated
            }
        }
        (0, _) => State::Translated,
        (_, 0) => State::Untranslated,
        _ => State::Partial,
    };
    Judgement {
        state,
        first_untranslated: if state == State::Translated {
            None
        } else {
            first
        },
    }
}

/// A section whose images differ from its source section's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageDiff {
    pub source: usize,
    pub target: usize,
    /// Files the source section shows and the translation does not.
    pub missing: Vec<String>,
    /// Files the translation shows and the source section does not, with where.
    pub extra: Vec<(String, Span)>,
}

/// One source edition compared with one translation.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub alignment: Alignment,
    /// Per source section: its judgement (`None` when it has no counterpart,
    /// or when sections were not judged).
    pub judgements: Vec<Option<Judgement>>,
    /// Source sections with no counterpart whose parent has one (or is the
    /// preamble): the top of each missing subtree, with its size.
    pub missing: Vec<(usize, usize)>,
    /// Translated sections with no source, top of each subtree, with its size.
    pub extra: Vec<(usize, usize)>,
    pub images: Vec<ImageDiff>,
    /// Translated sections whose pairing (or lack of one) is uncertain, and
    /// source sections left unpaired uncertainly.
    pub uncertain_targets: Vec<usize>,
    pub uncertain_sources: Vec<usize>,
}

/// One translation compared with its source edition.
pub struct Compared {
    /// Index of the document group (`Workspace::groups`).
    pub group: usize,
    pub source: FileId,
    pub target: FileId,
    /// The translation's language code (as in its file name).
    pub lang: String,
    pub comparison: Comparison,
    /// The commit (an index into the history) of the source version the
    /// alignment went through, when history was used.
    pub through: Option<u32>,
}

/// The sections of `doc` under `s` (its subtree, `s` excluded).
fn subtree(doc: &Document, s: usize) -> std::ops::Range<usize> {
    let end = doc.sections[s].end();
    let last = (s + 1..doc.sections.len())
        .take_while(|&i| doc.sections[i].span.start < end)
        .last()
        .map_or(s + 1, |i| i + 1);
    s + 1..last
}

/// Unpaired sections, grouped by subtree: only those whose parent is paired.
fn tops(doc: &Document, paired: impl Fn(usize) -> bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = 1;
    while s < doc.sections.len() {
        if paired(s) {
            s += 1;
            continue;
        }
        let sub = subtree(doc, s);
        let unpaired_below = sub.clone().take_while(|&i| !paired(i)).count();
        let size = if unpaired_below == sub.len() {
            sub.len()
        } else {
            0
        };
        out.push((s, size));
        s += 1 + if unpaired_below == sub.len() {
            sub.len()
        } else {
            0
        };
    }
    out
}

/// Whether `image` lies in the translation's own part of the tree: below
/// the first folder where the translation's path leaves the source's
/// (`i18n/` for `i18n/en/…/x.md` against `docs/x.md`, `content/ko/` for
/// `content/ko/x.md` against `content/en/x.md`). A translation beside its
/// source has no own tree.
fn in_own_tree(source: &str, translation: &str, image: &str) -> bool {
    let s: Vec<&str> = source.split('/').collect();
    let t: Vec<&str> = translation.split('/').collect();
    let (s_dirs, t_dirs) = (&s[..s.len() - 1], &t[..t.len() - 1]);
    let common = s_dirs
        .iter()
        .zip(t_dirs)
        .take_while(|(a, b)| a == b)
        .count();
    if common >= t_dirs.len() {
        return false;
    }
    let own = t_dirs[..=common].join("/");
    image.starts_with(&format!("{own}/"))
}

/// The images each section shows, as comparison keys.
fn section_images(
    doc: &Document,
    file: &SourceFile,
    index: &Index,
) -> Vec<Vec<(align::ImageKey, Span)>> {
    let mut out = vec![Vec::new(); doc.sections.len()];
    for (i, img) in doc.images.iter().enumerate() {
        // Nobody waits for the comparison these would serve.
        if i % 64 == 0 && align::interrupt::fired() {
            break;
        }
        if let Some(key) = align::image_key(index, &file.path, img.dest(&file.text)) {
            out[doc.section_at(img.span.start)].push((key, img.target_span()));
        }
    }
    out
}

/// A source edition as its translations are compared with it.
pub struct SourceSide<'a> {
    pub file: &'a SourceFile,
    pub doc: &'a Document,
    pub prepared: Arc<Prepared>,
}

/// What a source edition's comparisons with its translations share,
/// prepared once.
pub struct Prepared {
    /// Made when a comparison first needs them (pages of one section on
    /// both sides pair without).
    features: std::sync::OnceLock<align::SourceFeatures>,
    /// Prose blocks per section, prepared for copy detection (only when
    /// sections are judged).
    pub blocks: Vec<Vec<SourceBlock>>,
    pub script: Script,
    images: Vec<Vec<(align::ImageKey, Span)>>,
}

impl Prepared {
    /// `judging`: whether sections will be judged translated or not (the
    /// prose blocks are only prepared then).
    pub fn new(file: &SourceFile, doc: &Document, index: &Index, judging: bool) -> Self {
        Self {
            features: std::sync::OnceLock::new(),
            blocks: if judging {
                source_blocks(doc, &file.text)
            } else {
                Vec::new()
            },
            script: if judging {
                dominant_script(doc.prose.iter(&file.text).map(|p| p.text)).unwrap_or(Script::Latin)
            } else {
                Script::Latin
            },
            images: section_images(doc, file, index),
        }
    }
}

impl<'a> SourceSide<'a> {
    /// `judging`: whether sections will be judged translated or not (the
    /// prose blocks are only prepared then).
    pub fn new(file: &'a SourceFile, doc: &'a Document, index: &Index, judging: bool) -> Self {
        Self::with(
            file,
            doc,
            Arc::new(Prepared::new(file, doc, index, judging)),
        )
    }

    /// With what an earlier comparison prepared (for the same text).
    pub fn with(file: &'a SourceFile, doc: &'a Document, prepared: Arc<Prepared>) -> Self {
        Self {
            file,
            doc,
            prepared,
        }
    }

    /// The source's features, made once (none when interrupted: see
    /// `align::interrupt`; the alignment they would serve gives up too).
    pub fn features(&self, index: &Index) -> Option<&align::SourceFeatures> {
        align::interrupt::made_once(&self.prepared.features, || {
            align::SourceFeatures::new(align::features(self.doc, self.file, index))
        })
    }
}

/// What the history tells about a translation: the source edition as it
/// was when the translation was synced, and how that version's sections
/// became today's.
pub struct Prior {
    /// Features of the source then (as [`align::features`] makes them, or
    /// [`align::features_with_words`]: the alignment with a translation
    /// does not read the words).
    pub then: Arc<Vec<Features>>,
    /// From the source then (source) to the source now (target).
    pub then_now: Alignment,
}

impl Prior {
    /// `then`: the source edition at the sync point, as [`align::features`]
    /// (or [`align::features_with_words`]) makes its features; `then_words`
    /// and `now_words`: that version's and
    /// today's, as [`align::features_with_words`] makes them.
    pub fn new(then: Arc<Vec<Features>>, then_words: &[Features], now_words: &[Features]) -> Self {
        Self {
            then_now: align::align_versions(then_words, now_words),
            then,
        }
    }
}

/// Compares a translation with its source edition (through `prior`, the
/// source at the translation's sync point, when the history gave it).
/// Without a `judge`, sections are aligned but not judged (`judgements`
/// are all `None`).
pub fn compare(
    source: &SourceSide<'_>,
    tr_file: &SourceFile,
    tr: &Document,
    index: &Index,
    judge: Option<&LanguageJudge>,
    prior: Option<&Prior>,
) -> Comparison {
    let src = source.doc;
    // One section besides the preamble on each side (most pages of a docs
    // site): nothing to choose, no features needed.
    let (n, m) = (src.sections.len(), tr.sections.len());
    let single = (1..=2).contains(&n) && (1..=2).contains(&m);
    let tr_features = if single {
        Vec::new()
    } else {
        align::features(tr, tr_file, index)
    };
    let direct = if single {
        align::single(n, m)
    } else {
        match source.features(index) {
            Some(s) => align::align_to(s, &tr_features),
            None => align::align(&[], &tr_features),
        }
    };
    let alignment = match prior {
        _ if single => direct,
        Some(p) => {
            let tr_then = align::align_at_sync(&p.then, &tr_features);
            align::compose(&tr_then, &p.then_now, &direct)
        }
        None => direct,
    };
    let judgements: Vec<Option<Judgement>> = (0..src.sections.len())
        .map(|s| {
            let judge = judge?;
            alignment.target_of(s).map(|t| {
                let blocks = &source.prepared.blocks[s];
                judge_section(src, s, blocks, tr, &tr_file.text, t, judge)
            })
        })
        .collect();
    // Only certain decisions make findings: an uncertainly unpaired section
    // is neither missing nor extra.
    let missing = tops(src, |s| {
        alignment.target_of(s).is_some() || !alignment.source_certain(s)
    });
    let extra = tops(tr, |t| {
        alignment.source_of(t).is_some() || !alignment.target_certain(t)
    });
    let uncertain_targets: Vec<usize> = (1..tr.sections.len())
        .filter(|&t| !alignment.target_certain(t))
        .collect();
    let uncertain_sources: Vec<usize> = (1..src.sections.len())
        .filter(|&s| alignment.target_of(s).is_none() && !alignment.source_certain(s))
        .collect();
    let src_images = &source.prepared.images;
    let tr_images = section_images(tr, tr_file, index);
    let mut images = Vec::new();
    for p in alignment.pairs.iter().filter(|p| p.is_certain()) {
        let (Some(s), Some(t)) = (p.source, p.target) else {
            continue;
        };
        let (theirs, ours) = (&src_images[s], &tr_images[t]);
        let mut missing: Vec<String> = theirs
            .iter()
            .filter(|(k, _)| !ours.iter().any(|(o, _)| o.same(k)))
            .map(|(k, _)| k.display().to_string())
            .collect();
        missing.sort();
        missing.dedup();
        let unmatched: Vec<&(align::ImageKey, Span)> = ours
            .iter()
            .filter(|(k, _)| !theirs.iter().any(|(o, _)| o.same(k)))
            .collect();
        let mut extra: Vec<(String, Span)> = unmatched
            .iter()
            .map(|(k, span)| (k.display().to_string(), *span))
            .collect();
        extra.dedup_by(|a, b| a.0 == b.0);
        // As many images, each replaced by a file of the translation's own
        // tree (`i18n/en/…/picture/eone.png` for `docs/picture/one.png`): a
        // localised copy of each, not a difference.
        if !missing.is_empty()
            && missing.len() == extra.len()
            && unmatched.iter().all(|(k, _)| {
                k.resolved
                    .as_deref()
                    .is_some_and(|p| in_own_tree(&source.file.path, &tr_file.path, p))
            })
        {
            continue;
        }
        if !missing.is_empty() || !extra.is_empty() {
            images.push(ImageDiff {
                source: s,
                target: t,
                missing,
                extra,
            });
        }
    }
    Comparison {
        alignment,
        judgements,
        missing,
        extra,
        images,
        uncertain_targets,
        uncertain_sources,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(target: &str, sample: &str) -> LanguageJudge {
        let script = dominant_script(std::iter::once("The source is written in English."));
        LanguageJudge::new("en", target, script.unwrap(), std::iter::once(sample))
    }

    /// Malay and Swahili are unknown to the language identifier: their prose
    /// is not taken for English (Security-101's `translations/ms`, `sw`),
    /// and English prose still is.
    #[test]
    fn languages_the_identifier_does_not_know_are_not_english() {
        let malay = "Serangan DoS membebankan sistem sasaran, menjadikannya tidak dapat diakses oleh pengguna.";
        let swahili = "Hati hii imetafsiriwa kwa kutumia huduma ya tafsiri ya AI. Ingawa tunajitahidi kwa usahihi, tafadhali fahamu kuwa tafsiri za kiotomatiki zinaweza kuwa na makosa.";
        let english = "A denial of service attack overwhelms the target system, making it unavailable to its users.";
        for (tag, text) in [("ms", malay), ("sw", swahili)] {
            let j = judge(tag, text);
            assert_eq!(j.verdict(text), Verdict::Target, "{tag}");
            assert_eq!(j.verdict(english), Verdict::Source, "{tag}");
        }
    }

    #[test]
    fn other_scripts_are_judged_by_script() {
        let ko = judge(
            "ko",
            "캐시는 데이터를 빠르게 읽기 위한 저장소입니다. Redis는 메모리에 데이터를 저장합니다.",
        );
        assert_eq!(
            ko.verdict("Redis는 메모리에 데이터를 저장하므로 빠릅니다."),
            Verdict::Target
        );
        assert_eq!(
            ko.verdict("API gateway는 요청을 routing하고 인증을 처리합니다."),
            Verdict::Target
        );
        assert_eq!(
            ko.verdict("Redis is fast because it keeps data in memory and uses a single thread."),
            Verdict::Source
        );
        assert_eq!(ko.verdict("Step 1"), Verdict::Unknown);
        let ru = judge("ru", "Кэширование ускоряет чтение данных из базы.");
        assert_eq!(
            ru.verdict("Кэширование ускоряет чтение данных."),
            Verdict::Target
        );
        assert_eq!(
            ru.verdict("Caching makes reading data from the database faster."),
            Verdict::Source
        );
    }

    #[test]
    fn latin_targets_are_judged_by_language_identification() {
        let de = judge("de", "Ein Cache speichert Daten zwischen.");
        assert_eq!(
            de.verdict("Ein Cache speichert häufig gelesene Daten im Arbeitsspeicher, damit sie schneller verfügbar sind."),
            Verdict::Target
        );
        assert_eq!(
            de.verdict(
                "A cache stores frequently read data in memory so that it is available faster."
            ),
            Verdict::Source
        );
        let es = judge("es", "Una caché guarda datos.");
        assert_eq!(
            es.verdict("Una caché guarda en memoria los datos que se leen con frecuencia para servirlos más rápido."),
            Verdict::Target
        );
        assert_eq!(
            es.verdict("A cache keeps frequently read data in memory to serve it faster."),
            Verdict::Source
        );
    }

    #[test]
    fn classes_are_the_standard_librarys_and_unicode_scripts() {
        // Twice: the first time fills the slots, the second reads them
        // (and every character evicts others that share its slot).
        for _ in 0..2 {
            classified(|k| {
                for ch in (0..=0x10ffff).filter_map(char::from_u32) {
                    assert_eq!(k.class(ch), Class::of(ch), "{:?}", ch);
                }
            });
        }
        // Characters sharing a slot, alternately.
        let (a, b) = (
            '\u{0915}',
            char::from_u32(0x0915 + CLASS_SLOTS as u32).unwrap(),
        );
        classified(|k| {
            for _ in 0..3 {
                assert_eq!(k.class(a), Class::of(a));
                assert_eq!(k.class(b), Class::of(b));
            }
        });
    }

    /// The first implementation of [`copied`], before the class memory, the
    /// one-pass counts and the set-size bound.
    fn copied_as_first_written(block: &str, source_blocks: &[SourceBlock]) -> bool {
        let norm = block.split_whitespace().collect::<Vec<_>>().join(" ");
        let words_of_two = norm
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| w.chars().count() >= 2)
            .count();
        if norm.chars().filter(|c| c.is_alphabetic()).count() < 20 || words_of_two < 4 {
            return false;
        }
        if source_blocks.iter().any(|(s, _)| *s == norm) {
            return true;
        }
        let similar_length =
            |s: &str| norm.len().min(s.len()) as f64 / norm.len().max(s.len()) as f64 > 0.7;
        if !source_blocks.iter().any(|(s, _)| similar_length(s)) {
            return false;
        }
        let w: std::collections::HashSet<String> = norm
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(crate::parse::case::to_lowercase)
            .collect();
        source_blocks.iter().any(|(s, sw)| {
            similar_length(s) && {
                let inter = w.iter().filter(|x| sw.contains(*x)).count();
                let union = w.len() + sw.len() - inter;
                union > 0 && inter as f64 / union as f64 >= 0.8
            }
        })
    }

    proptest::proptest! {
        /// Blocks drawn from a few words, so that copies, near copies and
        /// sets of every size ratio around the bound all occur.
        #[test]
        fn copied_is_as_first_written(
            block in proptest::collection::vec("(data|Data|cache|kept|in|memory|à|데이터|x2|ÉTÉ|\\u{3000}|\\u{a0}|,|  |\\t)", 0..30),
            sources in proptest::collection::vec(
                proptest::collection::vec("(data|cache|kept|in|memory|à|데이터|x2|été|, | )", 0..30),
                0..4,
            ),
        ) {
            let block = block.join(" ");
            let sources: Vec<SourceBlock> = sources
                .iter()
                .map(|s| {
                    let n = normalise(&s.join(" "));
                    let w = words(&n);
                    (n, w)
                })
                .collect();
            proptest::prop_assert_eq!(copied(&block, &sources), copied_as_first_written(&block, &sources));
        }

        #[test]
        fn words_and_script_counts_are_as_first_written(text in "(\\PC|[ \u{3000}\u{a0}.,]){0,80}") {
            let first_words: std::collections::HashSet<String> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(crate::parse::case::to_lowercase)
                .collect();
            proptest::prop_assert_eq!(words(&text).into_iter().collect::<std::collections::HashSet<_>>(), first_words);
            proptest::prop_assert_eq!(normalise(&text), text.split_whitespace().collect::<Vec<_>>().join(" "));
            for script in [Script::Latin, Script::Hangul, Script::Cyrillic] {
                let first = text
                    .split(|c: char| !c.is_alphabetic())
                    .filter(|w| w.chars().count() >= 2 && w.chars().all(|c| c.script() == script))
                    .count();
                proptest::prop_assert_eq!(source_words(&text, script), first);
            }
        }
    }

    /// The blocks after the first untranslated one, in a section with a
    /// translated one before it, are not judged: they would change nothing.
    #[test]
    fn a_partly_translated_section_is_judged_to_its_first_untranslated_block() {
        let src_text = "# Caching\n\nA cache keeps data in memory.\n";
        let tr_text = "# 캐싱\n\n캐시는 데이터를 메모리에 보관하여 빠르게 읽을 수 있게 합니다.\n\n\
                       The cache is invalidated when the source data changes.\n\n\
                       캐시는 원본 데이터가 바뀌면 무효화됩니다.\n\n\
                       Writes go to the database first and then to the cache.\n";
        let (src, tr) = (crate::parse::parse(src_text), crate::parse::parse(tr_text));
        let ko = judge("ko", "캐시는 데이터를 빠르게 읽기 위한 저장소입니다.");
        let blocks = source_blocks(&src, src_text);
        let j = judge_section(&src, 1, &blocks[1], &tr, tr_text, 1, &ko);
        assert_eq!(j.state, State::Partial);
        let first = j.first_untranslated.expect("an untranslated block");
        assert!(tr_text[first.start..].starts_with("The cache is invalidated"));
        // Untranslated throughout: every block is looked at, the first reported.
        let tr_text = "# 캐싱\n\nThe cache is invalidated when the source data changes.\n\n\
                       Writes go to the database first and then to the cache.\n";
        let tr = crate::parse::parse(tr_text);
        let j = judge_section(&src, 1, &blocks[1], &tr, tr_text, 1, &ko);
        assert_eq!(j.state, State::Untranslated);
        assert!(tr_text[j.first_untranslated.unwrap().start..].starts_with("The cache is"));
    }

    #[test]
    fn copies_are_untranslated_whatever_the_script() {
        let src: Vec<SourceBlock> = vec![(
            normalise("Redis is fast because it keeps data in memory."),
            words("Redis is fast because it keeps data in memory."),
        )];
        assert!(copied(
            "Redis is fast because it keeps data  in memory.",
            &src
        ));
        assert!(copied(
            "Redis is fast because it keeps the data in memory.",
            &src
        ));
        assert!(!copied(
            "Redis ist schnell, weil es Daten im Speicher hält.",
            &src
        ));
    }
}
