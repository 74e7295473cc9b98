//! Streams over paginated actions: one request per page, chained by `NextToken`.

use std::collections::hash_map::DefaultHasher;
use std::collections::VecDeque;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{self, BoxStream, Stream, StreamExt};

use crate::action::Paginated;
use crate::error::Error;
use crate::Client;

type PageResult<I> =
    Result<<I as crate::action::Action>::Output, Error<<I as crate::action::Action>::Error>>;
type ItemResult<I> = Result<<I as Paginated>::Item, Error<<I as crate::action::Action>::Error>>;

/// A stream of the pages of a paginated action, in order.
///
/// Nothing is sent before the first poll. Every page is requested with the same parameters
/// but the page token. The stream ends after a page without a next token, after
/// [`max_pages`](Self::max_pages) pages, or after the first error; a token the service
/// already returned ends it with [`Error::RepeatedPageToken`] rather than looping forever.
pub struct Paginator<I: Paginated> {
    state: PaginatorState<I>,
}

enum PaginatorState<I: Paginated> {
    /// Not polled yet; boxed so the paginator is `Unpin` whatever `I` is.
    Pending(Box<Setup<I>>),
    Running(BoxStream<'static, PageResult<I>>),
}

struct Setup<I> {
    client: Client,
    input: I,
    max_pages: Option<usize>,
}

impl<I: Paginated> Paginator<I> {
    pub(crate) fn new(client: Client, input: I) -> Self {
        Self {
            state: PaginatorState::Pending(Box::new(Setup {
                client,
                input,
                max_pages: None,
            })),
        }
    }

    /// A paginator over `input`'s pages, starting from its page token if it has one.
    pub fn from_input(client: &Client, input: I) -> Self {
        Self::new(client.clone(), input)
    }

    fn setup(&mut self) -> Option<&mut Setup<I>> {
        match &mut self.state {
            PaginatorState::Pending(setup) => Some(setup),
            PaginatorState::Running(_) => None,
        }
    }

    /// Asks for `size` results per page on every request. No effect once polled.
    pub fn page_size(mut self, size: i32) -> Self {
        if let Some(setup) = self.setup() {
            setup.input.set_page_size(size);
        }
        self
    }

    /// Stops after `pages` pages. No effect once polled.
    pub fn max_pages(mut self, pages: usize) -> Self {
        if let Some(setup) = self.setup() {
            setup.max_pages = Some(pages);
        }
        self
    }

    /// The items of every page, one page held at a time. Ends after the first error.
    pub fn items(self) -> Items<I> {
        let items = self.flat_map(|page| match page {
            Ok(output) => stream::iter(I::into_items(output).into_iter().map(Ok)).left_stream(),
            Err(error) => stream::once(async move { Err(error) }).right_stream(),
        });
        Items {
            inner: items.boxed(),
        }
    }
}

impl<I: Paginated> Stream for Paginator<I> {
    type Item = PageResult<I>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if let PaginatorState::Pending(_) = this.state {
            let placeholder = PaginatorState::Running(stream::empty().boxed());
            if let PaginatorState::Pending(setup) = std::mem::replace(&mut this.state, placeholder)
            {
                this.state = PaginatorState::Running(pages(*setup));
            }
        }
        match &mut this.state {
            PaginatorState::Running(pages) => pages.poll_next_unpin(cx),
            PaginatorState::Pending(_) => Poll::Ready(None),
        }
    }
}

impl<I: Paginated> fmt::Debug for Paginator<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            PaginatorState::Pending(_) => "not started",
            PaginatorState::Running(_) => "running",
        };
        f.debug_struct("Paginator")
            .field("action", &I::NAME)
            .field("state", &state)
            .finish()
    }
}

/// The items of a paginated action's pages; see [`Paginator::items`].
pub struct Items<I: Paginated> {
    inner: BoxStream<'static, ItemResult<I>>,
}

impl<I: Paginated> Stream for Items<I> {
    type Item = ItemResult<I>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<I: Paginated> fmt::Debug for Items<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("action", &I::NAME)
            .finish_non_exhaustive()
    }
}

/// What the page stream does next.
enum Next<I> {
    Fetch(Walk<I>),
    /// The last page carried a token seen before: report it, then stop.
    Repeated(String),
    Done,
}

struct Walk<I> {
    client: Client,
    input: I,
    seen: TokenHistory,
    pages_left: Option<usize>,
}

fn pages<I: Paginated>(setup: Setup<I>) -> BoxStream<'static, PageResult<I>> {
    let Setup {
        client,
        input,
        max_pages,
    } = setup;
    let mut seen = TokenHistory::default();
    // A service that hands back the token it was given would loop from the first page.
    if let Some(token) = input.page_token().filter(|t| !t.is_empty()) {
        seen.insert(token);
    }
    let start = Next::Fetch(Walk {
        client,
        input,
        seen,
        pages_left: max_pages,
    });
    stream::unfold(start, |next| async move {
        let mut walk = match next {
            Next::Fetch(walk) => walk,
            Next::Repeated(token) => {
                return Some((Err(Error::RepeatedPageToken(token)), Next::Done))
            }
            Next::Done => return None,
        };
        if walk.pages_left == Some(0) {
            return None;
        }
        let output = match walk.client.call(walk.input.clone()).await {
            Ok(output) => output,
            Err(error) => return Some((Err(error), Next::Done)),
        };
        walk.pages_left = walk.pages_left.map(|n| n - 1);
        let token = I::next_page_token(&output)
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        let next = match token {
            None => Next::Done,
            Some(token) if !walk.seen.insert(&token) => Next::Repeated(token),
            Some(token) => {
                walk.input.set_page_token(Some(token));
                Next::Fetch(walk)
            }
        };
        Some((Ok(output), next))
    })
    .boxed()
}

/// The page tokens a walk has seen, in constant memory however many pages there are: the
/// hashes of the last [`TokenHistory::RECENT`] tokens, so that a token repeated among them is
/// caught before any page is fetched twice, and Brent's cycle detection over every token, so
/// that a longer loop ends too (after at most one more turn of it).
struct TokenHistory {
    recent: VecDeque<u64>,
    /// Brent's tortoise: the hash it compares each new token with.
    tortoise: Option<u64>,
    power: u64,
    steps: u64,
}

impl Default for TokenHistory {
    fn default() -> Self {
        Self {
            recent: VecDeque::with_capacity(Self::RECENT),
            tortoise: None,
            power: 1,
            steps: 0,
        }
    }
}

impl TokenHistory {
    const RECENT: usize = 1024;

    /// Records `token`; `false` when the walk has seen it before.
    fn insert(&mut self, token: &str) -> bool {
        let mut hasher = DefaultHasher::new();
        token.hash(&mut hasher);
        let hash = hasher.finish();
        if self.tortoise == Some(hash) || self.recent.contains(&hash) {
            return false;
        }
        self.steps += 1;
        if self.steps == self.power || self.tortoise.is_none() {
            self.tortoise = Some(hash);
            self.power = self.power.saturating_mul(2);
            self.steps = 0;
        }
        if self.recent.len() == Self::RECENT {
            self.recent.pop_front();
        }
        self.recent.push_back(hash);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::TokenHistory;

    #[test]
    fn a_recent_repeat_is_caught_at_once() {
        let mut seen = TokenHistory::default();
        for i in 0..10_000 {
            assert!(seen.insert(&format!("t{i}")), "t{i} is new");
        }
        assert!(!seen.insert("t9999"));
        assert!(!seen.insert("t9000"));
        assert_eq!(
            seen.recent.len(),
            TokenHistory::RECENT,
            "memory does not grow with the pages"
        );
    }

    #[test]
    fn a_loop_longer_than_the_recent_window_still_ends() {
        let period = TokenHistory::RECENT * 3 + 7;
        let mut seen = TokenHistory::default();
        let mut steps = 0;
        // A service cycling through `period` tokens forever.
        while seen.insert(&format!("t{}", steps % period)) {
            steps += 1;
            assert!(steps < 5 * period, "the loop was not detected");
        }
        assert!(steps >= period, "nothing repeated before one full turn");
    }
}
