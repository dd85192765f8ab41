"""Pages of the list operations that take a page number and a page size.

A paged `list(...)` call returns its first page. Iterating that page yields every item of every page, fetching the
next pages on demand with the same arguments and the page number advanced:

```python
for user in portkey.admin.users.list(page_size=100):  # all users, 100 per request
    print(user.email)

page = portkey.admin.users.list(current_page=2, page_size=10)  # one page
page.data, page.total, page.response  # its items, the total count, the whole parsed response

async for user in async_portkey.admin.users.list():  # the same, async
    ...
page = await async_portkey.admin.users.list()  # an async page
```

There is a next page when the response says so (`has_more`), else while the items seen so far (by position) are
fewer than the response's `total`; an empty page always ends the iteration. The parameter names, the number of
the first page (0, or 1 for `page`) and the field holding the items (`data`, or `records`) come from the spec.

A page is built by the request's `post_parser` (as openai builds its pages), so under `with_raw_response` and
`with_streaming_response` a paged `list(...)` gives the raw response, whose `.parse()` is the page. The options a
page keeps for the next pages drop the wrappers' marker header: the next pages are plain requests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Generator, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from openai import RequestOptions
from typing_extensions import override

from portkey_ai import get_headers

from ._base import without_response_mode

if TYPE_CHECKING:
    from ._base import AsyncAPIClient, SyncAPIClient

__all__ = ["AsyncPage", "AsyncPaginator", "PageStyle", "SyncPage", "fetch_page"]

ResponseT = TypeVar("ResponseT")
ItemT = TypeVar("ItemT")
ClientT = TypeVar("ClientT")


@dataclass(frozen=True, slots=True)
class PageStyle:
    """How one list operation pages: its query parameter names, first page number and items field."""

    page_param: str
    size_param: str
    first_page: int
    items_field: str


class _BasePage(Generic[ClientT, ResponseT, ItemT]):
    """What sync and async pages share: the parsed response, the arithmetic of the next page and its request.

    `SyncPage` and `AsyncPage` add only the I/O: `get_next_page` sends the request `_next_request` describes,
    `iter_pages` and iteration loop over it.
    """

    def __init__(
        self,
        response: ResponseT,
        *,
        client: ClientT,
        path: str,
        model: type[ResponseT],
        style: PageStyle,
        params: Mapping[str, object],
        options: RequestOptions,
        observed_size: int | None = None,
    ) -> None:
        self.response: ResponseT = response
        """The whole parsed response of this page."""
        self._client = client
        self._path = path
        self._model = model
        self._style = style
        self._params = dict(params)
        self._options = options
        self._observed_size = observed_size if observed_size is not None else len(self.data)

    @property
    def data(self) -> list[ItemT]:
        """The items of this page (empty if the response has none)."""
        items = getattr(self.response, self._style.items_field, None)
        return cast("list[ItemT]", items) if isinstance(items, list) else []

    @property
    def total(self) -> int | None:
        """The total number of items across all pages, when the response says."""
        total = getattr(self.response, "total", None)
        return total if isinstance(total, int) and not isinstance(total, bool) else None

    @property
    def page_number(self) -> int:
        """The number of this page, as sent in the page parameter."""
        page = self._params.get(self._style.page_param, self._style.first_page)
        return page if isinstance(page, int) else self._style.first_page

    def get_headers(self) -> dict[str, str]:
        """The `x-portkey-*` headers of this page's response, prefix stripped."""
        return get_headers(self.response)

    def has_next_page(self) -> bool:
        """Whether another page follows this one."""
        count = len(self.data)
        if count == 0:
            return False
        has_more = getattr(self.response, "has_more", None)
        if isinstance(has_more, bool):
            return has_more
        total = self.total
        if total is None:
            return False
        size = self._params.get(self._style.size_param)
        page_size = size if isinstance(size, int) and size > 0 else self._observed_size
        return (self.page_number - self._style.first_page) * page_size + count < total

    def _next_request(self) -> _PageRequest[ClientT, ResponseT]:
        """The request of the next page: the same arguments, the page number + 1."""
        if not self.has_next_page():
            raise RuntimeError("there is no next page; check `.has_next_page()` before calling `.get_next_page()`")
        options: RequestOptions = {
            **self._options,
            "params": {**self._params, self._style.page_param: self.page_number + 1},
        }
        return _PageRequest(self._client, self._path, self._model, self._style, options, self._observed_size)

    @override
    def __repr__(self) -> str:
        return f"{type(self).__name__}(page_number={self.page_number}, data={self.data!r}, total={self.total!r})"


@dataclass(frozen=True, slots=True)
class _PageRequest(Generic[ClientT, ResponseT]):
    """The request of one page (its query in `options["params"]`), and how its response becomes a page."""

    client: ClientT
    path: str
    model: type[ResponseT]
    style: PageStyle
    options: RequestOptions
    observed_size: int | None = None

    def parsed_into(self, page: type[_BasePage[ClientT, ResponseT, Any]]) -> RequestOptions:
        """The options to send: the request's, with a post-parser that builds a `page` from the parsed response.

        A page built under `with_raw_response` / `with_streaming_response` keeps the options without the wrappers'
        marker header, so the next pages are plain requests.
        """
        params: Mapping[str, object] = self.options.get("params", {})
        kept = without_response_mode(self.options)

        def to_page(response: ResponseT) -> _BasePage[ClientT, ResponseT, Any]:
            return page(
                response,
                client=self.client,
                path=self.path,
                model=self.model,
                style=self.style,
                params=params,
                options=kept,
                observed_size=self.observed_size,
            )

        merged: dict[str, object] = {**self.options, "post_parser": to_page}
        return cast("RequestOptions", merged)


class SyncPage(_BasePage["SyncAPIClient", ResponseT, ItemT]):
    """One page of a paged list; iterating it yields the items of this page and of all the following ones."""

    def get_next_page(self) -> SyncPage[ResponseT, ItemT]:
        """Request the next page (same arguments, page number + 1)."""
        return cast("SyncPage[ResponseT, ItemT]", _get(self._next_request()))

    def iter_pages(self) -> Iterator[SyncPage[ResponseT, ItemT]]:
        """This page and every following one, each requested when reached."""
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = page.get_next_page()

    def __iter__(self) -> Iterator[ItemT]:
        for page in self.iter_pages():
            yield from page.data


class AsyncPage(_BasePage["AsyncAPIClient", ResponseT, ItemT]):
    """One page of a paged list (async); `async for` over it yields the items of this and all following pages."""

    async def get_next_page(self) -> AsyncPage[ResponseT, ItemT]:
        """Request the next page (same arguments, page number + 1)."""
        return cast("AsyncPage[ResponseT, ItemT]", await _aget(self._next_request()))

    async def iter_pages(self) -> AsyncIterator[AsyncPage[ResponseT, ItemT]]:
        """This page and every following one, each requested when reached."""
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = await page.get_next_page()

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item


def _get(request: _PageRequest[SyncAPIClient, ResponseT]) -> SyncPage[ResponseT, Any]:
    page = request.client.get(request.path, cast_to=request.model, options=request.parsed_into(SyncPage))
    return cast("SyncPage[ResponseT, Any]", page)


async def _aget(request: _PageRequest[AsyncAPIClient, ResponseT]) -> AsyncPage[ResponseT, Any]:
    page = await request.client.get(request.path, cast_to=request.model, options=request.parsed_into(AsyncPage))
    return cast("AsyncPage[ResponseT, Any]", page)


def fetch_page(
    client: SyncAPIClient,
    path: str,
    *,
    model: type[ResponseT],
    style: PageStyle,
    options: RequestOptions,
    observed_size: int | None = None,
) -> SyncPage[ResponseT, Any]:
    """Request one page of a paged list (the operation's query is in `options["params"]`).

    Under `with_raw_response` / `with_streaming_response` this is the raw response, whose `.parse()` is the page.
    """
    return _get(_PageRequest(client, path, model, style, options, observed_size))


class AsyncPaginator(Awaitable["AsyncPage[ResponseT, ItemT]"], Generic[ResponseT, ItemT]):
    """What an async paged `list(...)` returns: `await` it for the first page, or `async for` over all items."""

    def __init__(
        self,
        client: AsyncAPIClient,
        path: str,
        *,
        model: type[ResponseT],
        style: PageStyle,
        options: RequestOptions,
    ) -> None:
        self._client = client
        self._path = path
        self._model = model
        self._style = style
        self._options = options

    async def _first_page(self) -> AsyncPage[ResponseT, ItemT]:
        page = await _aget(_PageRequest(self._client, self._path, self._model, self._style, self._options))
        return cast("AsyncPage[ResponseT, ItemT]", page)

    @override
    def __await__(self) -> Generator[Any, None, AsyncPage[ResponseT, ItemT]]:
        return self._first_page().__await__()

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        page = await self._first_page()
        async for item in page:
            yield item
