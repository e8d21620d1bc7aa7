"""The one small cache of kept fragments, signed tokens and asset addresses stays bounded."""

from learnapp.lru import LruCache


def test_the_least_recently_used_entry_goes_first_when_full() -> None:
    cache = LruCache[str, int](most=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # now "b" is the least recently used
    cache.put("c", 3)
    assert len(cache) == 2
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c")) == (1, 3)
    cache.clear()
    assert len(cache) == 0
