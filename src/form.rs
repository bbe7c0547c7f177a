//! Form fields as people type them: the rules every text field shares, and the messages for
//! the wrong ones, in Korean and English, kept by field name to show beside each field.
//! (Every field name given here ends in a consonant — 제목, 본문, 이름 — so the Korean messages
//! can use 을/은.)

use std::collections::BTreeMap;

pub use crate::i18n::Message as FieldMessage;

/// Messages by field name (`title`, `body`, ...), for showing each beside its field.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<&'static str, FieldMessage>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: FieldMessage) {
        self.0.entry(field).or_insert(message);
    }

    pub fn get(&self, field: &str) -> Option<&FieldMessage> {
        self.0.get(field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Keeps `value` when `result` is Ok, records its message under `field` otherwise.
    pub fn take<T>(&mut self, field: &'static str, result: Result<T, FieldMessage>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }
}

/// Text of one line (a title, a name): trimmed, inner runs of spaces kept, no control
/// characters, between `min` and `max` characters.
pub fn one_line(
    raw: &str,
    what: (&str, &str),
    min: usize,
    max: usize,
) -> Result<String, FieldMessage> {
    let text = raw.trim();
    let (ko, en) = what;
    if text.chars().any(char::is_control) {
        return Err(FieldMessage::new(
            format!("{ko}에 줄바꿈이나 제어 문자는 쓸 수 없습니다."),
            format!("The {en} cannot hold line breaks or control characters."),
        ));
    }
    within(text, what, min, max).map(str::to_string)
}

pub fn within<'a>(
    text: &'a str,
    (ko, en): (&str, &str),
    min: usize,
    max: usize,
) -> Result<&'a str, FieldMessage> {
    let count = text.chars().count();
    if count < min {
        if min == 1 {
            return Err(please_enter(ko, en));
        }
        return Err(FieldMessage::new(
            format!("{ko}은 {min}자 이상이어야 합니다."),
            format!("The {en} needs at least {min} characters."),
        ));
    }
    if count > max {
        return Err(FieldMessage::new(
            format!("{ko}은 {max}자까지 쓸 수 있습니다 (지금 {count}자)."),
            format!("The {en} can have at most {max} characters (it has {count})."),
        ));
    }
    Ok(text)
}

/// Multi-line text (a body, an answer): line endings made `\n`, other control characters
/// (except tabs) refused, trailing spaces trimmed.
pub fn multi_line(
    raw: &str,
    what: (&str, &str),
    min: usize,
    max: usize,
) -> Result<String, FieldMessage> {
    let text = raw.replace("\r\n", "\n").replace('\r', "\n");
    let (ko, en) = what;
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(FieldMessage::new(
            format!("{ko}에 쓸 수 없는 제어 문자가 있습니다."),
            format!("The {en} holds control characters that cannot be shown."),
        ));
    }
    let text = text.trim_end();
    let text = text.trim_start_matches('\n');
    if text.trim().is_empty() && min > 0 {
        return Err(please_enter(ko, en));
    }
    within(text, what, min, max).map(str::to_string)
}

fn please_enter(ko: &str, en: &str) -> FieldMessage {
    FieldMessage::new(
        format!("{ko}을 입력해 주세요."),
        format!("Please enter the {en}."),
    )
}
