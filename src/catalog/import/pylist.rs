//! Reads a Python list literal of strings, as the Sephora `product_info.csv` stores ingredient
//! lists: `['Water, Glycerin', "Kit label:"]`, with single or double quotes and `\` escapes.

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ListLiteralError {
    #[error("it does not start with '['")]
    NoOpeningBracket,
    #[error("a string is not closed")]
    UnclosedString,
    #[error("unexpected '{0}' between elements")]
    Unexpected(char),
    #[error("it does not end with ']'")]
    NoClosingBracket,
}

pub fn parse_python_list(text: &str) -> Result<Vec<String>, ListLiteralError> {
    let mut chars = text.trim().chars().peekable();
    if chars.next() != Some('[') {
        return Err(ListLiteralError::NoOpeningBracket);
    }
    let mut items = Vec::new();
    loop {
        match chars.next() {
            None => return Err(ListLiteralError::NoClosingBracket),
            Some(']') => break,
            Some(c) if c.is_whitespace() || c == ',' => continue,
            Some(quote @ ('\'' | '"')) => {
                let mut item = String::new();
                loop {
                    match chars.next() {
                        None => return Err(ListLiteralError::UnclosedString),
                        Some('\\') => match chars.next() {
                            None => return Err(ListLiteralError::UnclosedString),
                            Some('n') => item.push('\n'),
                            Some('t') => item.push('\t'),
                            Some(escaped) => item.push(escaped),
                        },
                        Some(c) if c == quote => break,
                        Some(c) => item.push(c),
                    }
                }
                items.push(item);
            }
            Some(other) => return Err(ListLiteralError::Unexpected(other)),
        }
    }
    if chars.any(|c| !c.is_whitespace()) {
        return Err(ListLiteralError::NoClosingBracket);
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_quote_styles_and_escapes() {
        assert_eq!(
            parse_python_list(r#"['Capri Eau de Parfum:', "Alcohol Denat., Water\\Aqua\\Eau", 'St. Paul\'s Wort']"#).unwrap(),
            ["Capri Eau de Parfum:", "Alcohol Denat., Water\\Aqua\\Eau", "St. Paul's Wort"]
        );
        assert_eq!(parse_python_list("[]").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn broken_literals_are_errors() {
        assert_eq!(
            parse_python_list("Water, Glycerin"),
            Err(ListLiteralError::NoOpeningBracket)
        );
        assert_eq!(
            parse_python_list("['Water"),
            Err(ListLiteralError::UnclosedString)
        );
        assert_eq!(
            parse_python_list("['Water'"),
            Err(ListLiteralError::NoClosingBracket)
        );
        assert_eq!(
            parse_python_list("['a' x]"),
            Err(ListLiteralError::Unexpected('x'))
        );
    }
}
