//! What every page carries for `base.html`: the texts in the visitor's language and the page's
//! `<head>`. A page struct holds one `PageFrame` and is listed in `framed_pages!`, so templates
//! keep writing `t.…` and `head.…` (field access goes through `Deref`) and a new page cannot
//! forget either.

use crate::i18n::{Lang, Texts};
use crate::web::pages::head::Head;

pub struct PageFrame {
    pub t: &'static Texts,
    pub head: Head,
}

impl PageFrame {
    pub fn new(lang: Lang, head: Head) -> Self {
        PageFrame {
            t: lang.texts(),
            head,
        }
    }
}

/// One `<select>` option or radio choice: its value, what it says, whether it is chosen.
pub struct Choice {
    pub slug: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// Lets each listed page (a struct with a `frame: PageFrame` field) be read as its frame.
macro_rules! framed_pages {
    ($($page:ident $(<$lt:lifetime>)?),* $(,)?) => {$(
        impl$(<$lt>)? std::ops::Deref for $page$(<$lt>)? {
            type Target = $crate::web::pages::frame::PageFrame;
            fn deref(&self) -> &Self::Target {
                &self.frame
            }
        }
        impl$(<$lt>)? std::ops::DerefMut for $page$(<$lt>)? {
            fn deref_mut(&mut self) -> &mut Self::Target {
                &mut self.frame
            }
        }
    )*};
}
pub(crate) use framed_pages;
