//! Results split into pages, walked as a stream: of pages, or of their items.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::error::Error;

type PageFuture<R> = Pin<Box<dyn Future<Output = Result<R, Error>> + Send>>;

/// The pages of a paged call, fetched one after the other as they are asked for. It ends
/// after a page shorter than the page size (or empty), and after an error, which it yields.
///
/// Walk it with [`next`](Self::next), or as a [`futures_core::Stream`].
#[must_use = "a stream does nothing until polled"]
pub struct Pages<R> {
    fetch: Box<dyn FnMut(i64) -> PageFuture<R> + Send>,
    count: Box<dyn Fn(&R) -> usize + Send>,
    page_size: usize,
    next_page: Option<i64>,
    pending: Option<(i64, PageFuture<R>)>,
}

impl<R> std::fmt::Debug for Pages<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("page_size", &self.page_size)
            .field("next_page", &self.next_page)
            .finish_non_exhaustive()
    }
}

impl<R: Send + 'static> Pages<R> {
    /// Pages from `first` on, `page_size` items each; `count` tells how many items a page has,
    /// `fetch` gets page `n`.
    pub fn new(
        first: i64,
        page_size: i64,
        count: impl Fn(&R) -> usize + Send + 'static,
        fetch: impl FnMut(i64) -> PageFuture<R> + Send + 'static,
    ) -> Self {
        Pages {
            fetch: Box::new(fetch),
            count: Box::new(count),
            page_size: usize::try_from(page_size).unwrap_or(0),
            next_page: Some(first),
            pending: None,
        }
    }

    /// The next page: `None` after the last one, or after an error.
    pub async fn next(&mut self) -> Option<Result<R, Error>> {
        std::future::poll_fn(|cx| self.poll_page(cx)).await
    }

    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<R, Error>>> {
        if self.pending.is_none() {
            let Some(page) = self.next_page.take() else {
                return Poll::Ready(None);
            };
            self.pending = Some((page, (self.fetch)(page)));
        }
        let Some((page, future)) = self.pending.as_mut() else {
            return Poll::Ready(None);
        };
        let page = *page;
        match future.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(result) => {
                self.pending = None;
                if let Ok(r) = &result {
                    let n = (self.count)(r);
                    // A full page may have a next one; a short or empty page is the last.
                    if n > 0 && n >= self.page_size {
                        self.next_page = page.checked_add(1);
                    }
                }
                Poll::Ready(Some(result))
            }
        }
    }
}

impl<R: Send + 'static> futures_core::Stream for Pages<R> {
    type Item = Result<R, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_page(cx)
    }
}

/// The items of every page of a paged call, in order. It ends with the last page, or after
/// an error, which it yields.
#[must_use = "a stream does nothing until polled"]
pub struct Items<R, T> {
    pages: Pages<R>,
    take: fn(R) -> Vec<T>,
    buffer: std::vec::IntoIter<T>,
}

impl<R, T> std::fmt::Debug for Items<R, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .finish_non_exhaustive()
    }
}

impl<R: Send + 'static, T> Items<R, T> {
    /// The items `take` finds in each page.
    pub fn new(pages: Pages<R>, take: fn(R) -> Vec<T>) -> Self {
        Items {
            pages,
            take,
            buffer: Vec::new().into_iter(),
        }
    }

    /// The next item: `None` after the last one, or after an error.
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        std::future::poll_fn(|cx| self.poll_item(cx)).await
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, Error>>> {
        loop {
            if let Some(item) = self.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match self.pages.poll_page(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => self.buffer = (self.take)(page).into_iter(),
            }
        }
    }
}

impl<R: Send + 'static, T> Unpin for Items<R, T> {}

impl<R: Send + 'static, T> futures_core::Stream for Items<R, T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(sizes: &'static [usize], fail_at: Option<i64>) -> Pages<Vec<i64>> {
        Pages::new(1, 3, Vec::len, move |page| {
            Box::pin(async move {
                if Some(page) == fail_at {
                    return Err(Error::InvalidRequest(crate::error::Invalid {
                        context: "test",
                        problems: vec![format!("page {page}")],
                    }));
                }
                let n = sizes
                    .get(usize::try_from(page - 1).unwrap_or(0))
                    .copied()
                    .unwrap_or(0);
                Ok((0..n as i64).map(|i| page * 10 + i).collect())
            })
        })
    }

    fn block<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn stops_after_a_short_or_empty_page() {
        block(async {
            let mut p = pages(&[3, 3, 1, 3], None);
            let mut seen = Vec::new();
            while let Some(page) = p.next().await {
                seen.push(page.unwrap().len());
            }
            assert_eq!(seen, [3, 3, 1]);
            let mut p = pages(&[3, 0], None);
            assert_eq!(p.next().await.unwrap().unwrap().len(), 3);
            assert_eq!(p.next().await.unwrap().unwrap().len(), 0);
            assert!(p.next().await.is_none());
        });
    }

    #[test]
    fn items_flatten_pages_and_an_error_ends_them() {
        block(async {
            let mut items = Items::new(pages(&[3, 3, 3], Some(3)), |v| v);
            let mut seen = Vec::new();
            let mut errors = 0;
            while let Some(item) = items.next().await {
                match item {
                    Ok(i) => seen.push(i),
                    Err(_) => errors += 1,
                }
            }
            assert_eq!(seen, [10, 11, 12, 20, 21, 22]);
            assert_eq!(errors, 1);
            assert!(items.next().await.is_none(), "nothing after the error");
        });
    }
}
