//! Notes may use Markdown. This renders it to HTML that is safe to put in the
//! page: raw HTML in a note is shown as text (pulldown-cmark parses, and its
//! HTML events are turned back into text), and the result is cleaned by
//! ammonia to a short list of formatting tags with no attributes, so no link,
//! image, script or event handler can come out of a note.

use std::collections::HashSet;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

const ALLOWED: &[&str] = &[
    "p", "br", "em", "strong", "del", "code", "pre", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "table", "thead", "tbody", "tr", "th", "td",
];

/// Renders a note's Markdown as sanitised HTML.
pub fn render(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES).map(|event| match event {
        // Raw HTML is the user's text, not markup.
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        // Links and images keep their words; the target is not followed.
        Event::Start(Tag::Link { .. } | Tag::Image { .. }) | Event::End(TagEnd::Link | TagEnd::Image) => {
            Event::Text("".into())
        }
        other => other,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    ammonia::Builder::default()
        .tags(ALLOWED.iter().copied().collect::<HashSet<_>>())
        .generic_attributes(HashSet::new())
        .tag_attributes(Default::default())
        .link_rel(None)
        .clean(&html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn formatting_renders() {
        assert_eq!(render("**Result:** cut p99 by *40 %*"), "<p><strong>Result:</strong> cut p99 by <em>40 %</em></p>\n");
        assert!(render("- one\n- two").contains("<ul>\n<li>one</li>\n<li>two</li>\n</ul>"));
        assert!(render("`SELECT 1`").contains("<code>SELECT 1</code>"));
    }

    #[test]
    fn an_img_onerror_note_renders_as_text() {
        let html = render("<img src=x onerror=alert(1)>");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"), "{html}");
        let inline = render("before <script>alert(1)</script> after");
        assert!(!inline.contains("<script"), "{inline}");
        assert!(inline.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{inline}");
    }

    #[test]
    fn links_and_images_keep_only_their_words() {
        let html = render("[click](javascript:alert(1)) and ![cat](http://example.com/c.png)");
        assert!(!html.contains("href") && !html.contains("src") && !html.contains("javascript"), "{html}");
        assert!(html.contains("click") && html.contains("cat"), "{html}");
    }
}
