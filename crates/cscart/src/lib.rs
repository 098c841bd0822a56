//! CS-Cart REST API 2.0: call requests (`specs/cscart.yaml`).
//!
//! The store's "Call requests" add-on must be enabled. Authenticate with the
//! administrator's e-mail and API key: [`Client::with_basic_auth`]. Every page of the list,
//! one call request at a time: [`builder::ListCallRequests::stream`].
//!
//! This crate is also `crm_bindings::cscart` (the `cscart` feature of `crm-bindings`); alone, it
//! re-exports what building a client takes from `crm-bindings-runtime` ([`HttpConfig`],
//! [`Error`], [`Nullable`], ...).

// docs.rs builds with `--cfg docsrs`: items show the feature they need.
#![cfg_attr(docsrs, feature(doc_cfg))]

/// Written by `cargo xtask generate` from `specs/cscart.yaml`: the client, `types`,
/// `builder`, the spec's `rules`, the auth constructors and (`mock` feature) the typed mocks.
// Generated code is reviewed through its snapshots, not linted: progenitor's `prelude` is
// unused here and its doc lists trip clippy's doc lints (progenitor allows `clippy::all`
// on its own `types` and `builder` modules for the same reason).
#[rustfmt::skip]
#[allow(unused_imports, clippy::all)]
mod generated;
pub use generated::*;

use futures_core::Stream;
use std::num::NonZeroU64;

impl<'a> builder::ListCallRequests<'a> {
    /// Every call request of the list, page after page, as a [`Stream`]: the filters and
    /// sorting set on this builder apply to every page.
    ///
    /// - It starts at the page set with `.page(n)` (the store's default is 1) and asks for
    ///   each following page with the page size the first answer reports
    ///   (`params.items_per_page`: the one set with `.items_per_page(n)`, or the store's
    ///   global setting).
    /// - It stops after the last page, never asking for the one after it: when a page is
    ///   empty, holds fewer items than a page size, or reaches `params.total_items` (counting
    ///   the pages before the first one asked for). A server that keeps answering full pages
    ///   past `total_items` is therefore stopped there.
    /// - An error on any page is yielded as `Err` after the items before it, and ends the
    ///   stream: nothing more is sent. A refused parameter
    ///   ([`Error::InvalidRequest`](crate::Error::InvalidRequest)) is the first and only item.
    ///   When a page's `params.items_per_page` or `params.total_items` is not a whole
    ///   number (or the first `params.page` not a page number), the next page cannot be
    ///   found: that page's items are yielded, then
    ///   [`Error::InvalidResponse`](crate::Error::InvalidResponse) naming the field (it keeps
    ///   no body, whose items were already yielded).
    /// - Nothing is sent before the stream is polled, and the next page is asked for only
    ///   when the items of the previous one have all been taken. Polled again after its
    ///   end, the stream answers `None` again. Like the builder, it borrows the client.
    ///
    /// Pages are read while the store may change: a call request created or deleted
    /// meanwhile can shift the others from one page to the next, as with any offset
    /// pagination.
    ///
    /// ```no_run
    /// use crm_bindings_cscart::{Client, types};
    /// use futures_util::StreamExt; // or `futures::StreamExt`, `tokio_stream::StreamExt`
    ///
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = Client::with_basic_auth(
    ///     "https://shop.example.com/api/2.0",
    ///     "admin@example.com",
    ///     "api-key",
    /// )?;
    /// let mut requests = client
    ///     .list_call_requests()
    ///     .status(types::CallRequestStatus::New)
    ///     .items_per_page(50u64)
    ///     .stream();
    /// while let Some(request) = requests.next().await {
    ///     let request = request?; // an error ends the stream
    ///     println!("#{} {} {}", request.request_id, request.name, request.phone);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// [`Stream`]: futures_core::Stream
    pub fn stream(
        self,
    ) -> impl Stream<Item = Result<types::CallRequest, Error>> + Send + Unpin + 'a {
        // Fused: polled again after its end, it says `None` again instead of panicking.
        Box::pin(futures_util::StreamExt::fuse(futures_util::stream::unfold(
            Pages::new(self),
            Pages::next,
        )))
    }
}

/// The operationId the stream's own errors name.
const LIST: &str = "list_call_requests";

/// Where [`builder::ListCallRequests::stream`] is between two items.
struct Pages<'a> {
    /// The user's request: each page is a clone with `page` (and the page size) set.
    request: builder::ListCallRequests<'a>,
    /// The items of the last page not yielded yet.
    items: std::vec::IntoIter<types::CallRequest>,
    /// What follows them.
    then: Then,
    /// The page size the first answer reported; every later page is asked for with it.
    per_page: Option<NonZeroU64>,
    /// Items before the first page asked for (`(first page - 1) * per_page`).
    skipped: u64,
    /// Items received since the first page.
    seen: u64,
}

enum Then {
    /// Ask for a page: `None` is the first, as the user built it (their `page`, or none).
    Fetch(Option<NonZeroU64>),
    /// Yield this error, then end.
    Fail(Error),
    End,
}

impl<'a> Pages<'a> {
    fn new(request: builder::ListCallRequests<'a>) -> Self {
        Pages {
            request,
            items: Vec::new().into_iter(),
            then: Then::Fetch(None),
            per_page: None,
            skipped: 0,
            seen: 0,
        }
    }

    /// The next item (and the state after it), or `None` at the end.
    async fn next(mut self) -> Option<(Result<types::CallRequest, Error>, Self)> {
        loop {
            if let Some(item) = self.items.next() {
                return Some((Ok(item), self));
            }
            match std::mem::replace(&mut self.then, Then::End) {
                Then::End => return None,
                Then::Fail(error) => return Some((Err(error), self)),
                Then::Fetch(page) => {
                    let request = match (page, self.per_page) {
                        (None, _) => self.request.clone(),
                        (Some(page), None) => self.request.clone().page(page),
                        (Some(page), Some(per_page)) => {
                            self.request.clone().page(page).items_per_page(per_page)
                        }
                    };
                    match request.send().await {
                        Ok(answer) => {
                            self.then = self.after(&answer, page);
                            self.items = answer.into_inner().call_requests.into_iter();
                        }
                        Err(error) => self.then = Then::Fail(error),
                    }
                }
            }
        }
    }

    /// What follows the page `answer` (`asked`: the page number sent, `None` for the first).
    fn after(
        &mut self,
        answer: &ResponseValue<types::CallRequestList>,
        asked: Option<NonZeroU64>,
    ) -> Then {
        let (items, params) = (&answer.call_requests, &answer.params);
        let count = u64::try_from(items.len()).unwrap_or(u64::MAX);
        if count == 0 {
            return Then::End;
        }
        self.seen = self.seen.saturating_add(count);
        let per_page = match self.per_page {
            Some(per_page) => per_page,
            None => match whole(&params.items_per_page).and_then(NonZeroU64::new) {
                Some(per_page) => *self.per_page.insert(per_page),
                None => {
                    return unreadable(answer, asked, "`params.items_per_page` is not a page size");
                }
            },
        };
        if count < per_page.get() {
            return Then::End;
        }
        let Some(total) = whole(&params.total_items) else {
            return unreadable(answer, asked, "`params.total_items` is not a whole number");
        };
        let page = match asked {
            Some(page) => page.get(),
            None => match u64::try_from(params.page).ok().filter(|page| *page >= 1) {
                Some(page) => {
                    self.skipped = (page - 1).saturating_mul(per_page.get());
                    page
                }
                None => {
                    let what = format!("`params.page` is not a page number (got {})", params.page);
                    return unreadable(answer, asked, &what);
                }
            },
        };
        // How far into the list this page reaches: by its position, and by the items
        // received (the larger, should the server send more than a page size).
        let by_position = (page - 1)
            .saturating_mul(per_page.get())
            .saturating_add(count);
        let by_count = self.skipped.saturating_add(self.seen);
        if by_position.max(by_count) >= total {
            return Then::End;
        }
        match page.checked_add(1).and_then(NonZeroU64::new) {
            Some(next) => Then::Fetch(Some(next)),
            None => Then::End,
        }
    }
}

/// A counter the service sends as a string of digits (or a number, which the generated
/// decoder turns into one).
fn whole(text: &str) -> Option<u64> {
    text.trim().parse().ok()
}

/// The error for a page whose `params` do not say where the next page is. It names the
/// field but keeps neither its text nor the body: a success body is not scrubbed of the
/// client's credentials, and its items were already yielded.
fn unreadable(
    answer: &ResponseValue<types::CallRequestList>,
    asked: Option<NonZeroU64>,
    what: &str,
) -> Then {
    let page = match asked {
        Some(page) => format!("page {page}"),
        None => "the first page asked for".into(),
    };
    let message = format!("{what} in the answer to {page}, so the next page cannot be found");
    Then::Fail(Error::unusable_answer(LIST, answer.status(), message))
}
