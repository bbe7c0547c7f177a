//! A browser-like client: keeps cookies, reads forms from pages and submits them with the
//! fields a person would change, so tests go through the real forms (hidden CSRF token
//! included) rather than hand-made bodies.

use scraper::{ElementRef, Html, Selector};

use crate::helpers::TestApp;

#[derive(Clone)]
pub struct Browser {
    pub client: reqwest::Client,
    pub address: String,
}

/// A response read: status, where it redirects, and the page.
pub struct Visit {
    pub status: u16,
    pub location: Option<String>,
    pub page: Html,
}

impl TestApp {
    /// A new browser with its own cookie jar.
    pub fn browser(&self) -> Browser {
        Browser::at(&self.address)
    }
}

impl Browser {
    /// A new browser with its own cookie jar, for the site at `address`.
    pub fn at(address: &str) -> Browser {
        Browser {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            address: address.to_string(),
        }
    }

    async fn read(response: reqwest::Response) -> Visit {
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        let body = response.text().await.unwrap();
        Visit {
            status,
            location,
            page: Html::parse_document(&body),
        }
    }

    pub async fn get(&self, path: &str) -> Visit {
        let response = self
            .client
            .get(format!("{}{}", self.address, path))
            .send()
            .await
            .expect("the request is answered");
        Self::read(response).await
    }

    /// Fills the form whose action is `action` on `page` with `changes` (other fields keep
    /// what the page put in them) and submits it.
    pub async fn submit(&self, page: &Html, action: &str, changes: &[(&str, &str)]) -> Visit {
        let fields = form_fields(page, action, changes);
        self.post_fields(action, &fields, None).await
    }

    /// POSTs fields as given, optionally with an `Origin` header.
    pub async fn post_fields(
        &self,
        action: &str,
        fields: &[(String, String)],
        origin: Option<&str>,
    ) -> Visit {
        let mut request = self
            .client
            .post(format!("{}{}", self.address, action))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(fields).unwrap());
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        Self::read(request.send().await.expect("the request is answered")).await
    }

    /// Follows a 303 to its page.
    pub async fn follow(&self, visit: &Visit) -> Visit {
        assert_eq!(
            visit.status, 303,
            "expected a redirect, got {}",
            visit.status
        );
        let location = visit.location.as_deref().unwrap();
        let path = location.strip_prefix(&self.address).unwrap_or(location);
        self.get(path).await
    }

    /// Submits the new-post form, whatever comes back.
    pub async fn try_post(&self, title: &str, body: &str, password: &str, secret: bool) -> Visit {
        let form = self.get("/board/new").await;
        let mut changes = vec![
            ("category", "question"),
            ("title", title),
            ("body", body),
            ("author", "테스터"),
            ("password", password),
        ];
        if secret {
            changes.push(("secret", "on"));
        }
        self.submit(&form.page, "/board/new", &changes).await
    }

    /// Submits a new post through the form with `X-Real-IP: claimed`, as a proxy in front
    /// would name the visitor (or a client would, to pass for someone else); the status.
    pub async fn post_claiming(&self, claimed: &str, title: &str) -> u16 {
        let form = self.get("/board/new").await;
        let fields = form_fields(
            &form.page,
            "/board/new",
            &[
                ("category", "question"),
                ("title", title),
                ("body", "behind a proxy"),
                ("author", "proxy"),
                ("password", "proxy-1234"),
            ],
        );
        self.client
            .post(format!("{}/board/new", self.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-real-ip", claimed)
            .body(serde_urlencoded::to_string(&fields).unwrap())
            .send()
            .await
            .expect("the request is answered")
            .status()
            .as_u16()
    }

    /// Writes a post through the form; returns its id.
    pub async fn write_post(&self, title: &str, body: &str, password: &str, secret: bool) -> i32 {
        let sent = self.try_post(title, body, password, secret).await;
        assert_eq!(
            sent.status,
            303,
            "the post is accepted: {}",
            errors_on(&sent.page).join(" | ")
        );
        post_id_of(sent.location.as_deref().unwrap())
    }

    /// Opens post `id`'s edit form with its password: the form page, or the refusal.
    pub async fn open_edit(&self, id: i32, password: &str) -> Visit {
        let ask = self.get(&format!("/board/{id}/edit")).await;
        self.submit(
            &ask.page,
            &format!("/board/{id}/edit/verify"),
            &[("password", password)],
        )
        .await
    }

    /// Signs in as the admin with `password`.
    pub async fn sign_in(&self, password: &str) -> Visit {
        let form = self.get("/admin/login").await;
        self.submit(&form.page, "/admin/login", &[("password", password)])
            .await
    }
}

pub fn post_id_of(location: &str) -> i32 {
    location
        .rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("a post address: {location}"))
}

/// The fields a browser would send for the form with this action.
pub fn form_fields(page: &Html, action: &str, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let form_selector = Selector::parse(&format!("form[action=\"{action}\"]")).unwrap();
    let form = page
        .select(&form_selector)
        .next()
        .unwrap_or_else(|| panic!("the page has a form for {action}"));
    let mut fields = read_fields(form);
    for (name, value) in changes {
        // A changed radio group or checkbox replaces what was there.
        fields.retain(|(n, _)| n != name);
        fields.push((name.to_string(), value.to_string()));
    }
    fields
}

fn read_fields(form: ElementRef) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    let controls = Selector::parse("input[name], textarea[name], select[name]").unwrap();
    let selected = Selector::parse("option[selected]").unwrap();
    for control in form.select(&controls) {
        let element = control.value();
        let name = element.attr("name").unwrap().to_string();
        match element.name() {
            "textarea" => fields.push((name, control.text().collect())),
            "select" => {
                let value = control
                    .select(&selected)
                    .next()
                    .and_then(|o| o.value().attr("value"))
                    .unwrap_or("");
                fields.push((name, value.to_string()));
            }
            _ => {
                let kind = element.attr("type").unwrap_or("text");
                if (kind == "checkbox" || kind == "radio") && element.attr("checked").is_none() {
                    continue;
                }
                let default = if kind == "checkbox" { "on" } else { "" };
                fields.push((name, element.attr("value").unwrap_or(default).to_string()));
            }
        }
    }
    fields
}

/// The field messages and form-wide errors on a page.
pub fn errors_on(page: &Html) -> Vec<String> {
    crate::helpers::texts(page, ".field-error, .error, .notice[role=alert]")
}

/// The message shown beside one field.
pub fn field_error(page: &Html, field: &str) -> Option<String> {
    crate::helpers::texts(page, &format!("#{field}-error"))
        .into_iter()
        .next()
}

/// The value a form field holds on the page (input value or textarea text).
pub fn field_value(page: &Html, field: &str) -> String {
    let selector = Selector::parse(&format!("[name=\"{field}\"]")).unwrap();
    let element = page
        .select(&selector)
        .next()
        .unwrap_or_else(|| panic!("a field {field}"));
    match element.value().name() {
        "textarea" => element.text().collect(),
        _ => element.value().attr("value").unwrap_or("").to_string(),
    }
}
