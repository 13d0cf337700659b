"""Messages -> the text a language model writes, streamed, from any OpenAI-compatible endpoint.

The only module that imports the `openai` client (and only when a model is configured). Every
failure becomes a GenerationError whose sentence says what went wrong and what to do; the caller
falls back to a quoted answer. Only a rate limit (429) and a server error (5xx) are retried, with
backoff, and only before anything has been written: a retried connection refusal or a bad key
would only make the user wait for the same answer.

    GenerationError.reason: unreachable, timeout, refused (401/403), no_model (404), rate_limited,
    server_error, too_long (the context), rejected (other 4xx), empty, cut (the stream broke off),
    malformed (not the chat-completions format)
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Iterator, Sequence
from typing import Any

from .config import API_KEY_VAR, LLM_ENV_VARS, Endpoint
from .errors import GenerationError
from .prompts import Message

RETRIES = 2  # after a 429 or a 5xx: three tries in all
BACKOFF_S = (1.0, 3.0)  # wait before each retry, unless the server's Retry-After asks for less (capped below)
MOST_RETRY_AFTER_S = 10.0
_TOO_LONG = ("context", "too long", "maximum", "exceed", "n_ctx", "tokens")
_URL_VAR = f"--llm-url / {LLM_ENV_VARS['url']}"
_MODEL_VAR = f"--llm-model / {LLM_ENV_VARS['model']}"


class Writer:
    """One endpoint; thread-safe (the client is). Construct it lazily: it imports openai."""

    def __init__(self, endpoint: Endpoint) -> None:
        import openai

        self.endpoint = endpoint
        self._openai = openai
        self._broken = _stream_errors(openai)
        self._client = openai.OpenAI(
            base_url=endpoint.url,
            api_key=endpoint.api_key or "none",  # local servers take any key; the client wants one
            timeout=openai.Timeout(endpoint.timeout_s, connect=min(endpoint.timeout_s, 10.0)),
            max_retries=0,  # retries are ours: only 429 and 5xx (see above)
        )
        self._model = endpoint.model

    @property
    def model(self) -> str:
        """The model that writes: as configured, else the endpoint's only one (asked once)."""
        if not self._model:
            self._model = self._only_model()
        return self._model

    def stream(self, messages: Sequence[Message]) -> Iterator[str]:
        """The answer's text as it is written, piece by piece; GenerationError on any failure, also
        after some pieces (the stream broke off) or when it wrote nothing at all."""
        response = self._start(messages)
        wrote = False
        finished = False
        try:
            for event in response:
                choices = getattr(event, "choices", None)
                if choices is None:
                    raise self._failure("malformed", f"it sent {type(event).__name__} instead of a chat completion")
                for choice in choices:  # none in a usage-only event
                    piece = choice.delta.content if choice.delta is not None else None
                    if piece:
                        wrote = True
                        yield piece
                    finished = finished or choice.finish_reason is not None
        except self._broken as error:
            raise self._failure("cut", f"the answer broke off ({_short(error)})") from None
        except ValueError as error:  # an event that is not JSON
            raise self._failure(
                "malformed", f"it sent something that is not a chat completion ({_short(error)})"
            ) from None
        finally:
            response.close()
        if not wrote:
            raise self._failure("empty", "it wrote nothing")
        if not finished:
            raise self._failure("cut", "the answer broke off before the end")

    def _start(self, messages: Sequence[Message]) -> Any:
        openai = self._openai
        for attempt in range(RETRIES + 1):
            try:
                return self._client.chat.completions.create(
                    model=self.model,
                    messages=[{"role": m.role, "content": m.content} for m in messages],  # type: ignore[misc]
                    temperature=self.endpoint.temperature,
                    max_tokens=self.endpoint.answer_tokens,
                    stream=True,
                )
            except (openai.RateLimitError, openai.InternalServerError) as error:
                if attempt == RETRIES:
                    raise self._status_failure(error) from None
                time.sleep(_backoff(error, attempt))
            except openai.APIStatusError as error:
                raise self._status_failure(error) from None
            except openai.APITimeoutError:
                raise self._failure(
                    "timeout",
                    f"it did not answer within {self.endpoint.timeout_s:g} s",
                    f"raise {LLM_ENV_VARS['timeout_s']} (--llm-timeout), or use a smaller model",
                ) from None
            except openai.APIConnectionError as error:
                raise self._unreachable(error) from None
            except openai.APIError as error:  # an answer the client cannot read as a chat completion
                raise self._failure(
                    "malformed", f"it answered in a form the client cannot read ({_short(error)})"
                ) from None
        raise AssertionError("unreachable")  # the loop returns or raises

    def _status_failure(self, error: Any) -> GenerationError:
        openai = self._openai
        status = getattr(error, "status_code", 0)
        said = f"{status}: {_server_message(error)}"
        if isinstance(error, openai.AuthenticationError | openai.PermissionDeniedError):
            return self._failure(
                "refused",
                f"it refused the API key ({said})",
                f"set {API_KEY_VAR}, or name a key file in ASSISTANT_LLM_KEY_FILE",
            )
        if isinstance(error, openai.NotFoundError):
            return self._failure(
                "no_model",
                f"it has no model {self.model!r} ({said})",
                f"fetch it (for Ollama: ollama pull {self.model}), or set {_MODEL_VAR} to a model it serves; "
                f"check also that {_URL_VAR} ends in /v1",
            )
        if isinstance(error, openai.RateLimitError):
            return self._failure(
                "rate_limited", f"it is rate-limiting requests ({said})", "wait a minute and ask again"
            )
        if status >= 500:
            return self._failure("server_error", f"it failed ({said})", "check the server's log, then ask again")
        if any(word in said.lower() for word in _TOO_LONG):
            return self._failure(
                "too_long",
                f"the passages do not fit its context window ({said})",
                f"set {LLM_ENV_VARS['context_tokens']} (--llm-context) to the model's window, or draw on fewer "
                "passages (--top-k)",
            )
        return self._failure("rejected", f"it rejected the request ({said})", f"check {_URL_VAR} and {_MODEL_VAR}")

    def _only_model(self) -> str:
        try:
            served = [m.id for m in self._client.models.list()]
        except self._openai.APIConnectionError as error:
            raise self._unreachable(error) from None
        except (self._openai.APIError, ValueError) as error:
            raise self._failure(
                "no_model", f"it could not list its models ({_short(error)})", f"set {_MODEL_VAR}"
            ) from None
        if len(served) != 1:
            names = ", ".join(served[:10]) or "none"
            raise self._failure(
                "no_model", f"it serves {len(served)} models ({names})", f"choose one with {_MODEL_VAR}"
            )
        return str(served[0])

    def _unreachable(self, error: Exception) -> GenerationError:
        return self._failure(
            "unreachable",
            f"nothing answers there ({_short(error.__cause__ or error)})",
            f"start the server (for Ollama: ollama serve), or check {_URL_VAR}",
        )

    def _failure(self, reason: str, what: str, todo: str = "ask again, or check the server") -> GenerationError:
        return GenerationError(reason, f"The language model at {self.endpoint.url}: {what} — {todo}")


def _stream_errors(openai: Any) -> tuple[type[Exception], ...]:
    """What a stream that breaks off raises: the client's errors, or its HTTP library's unwrapped
    (openai 3 is built on httpx2, earlier releases on httpx)."""
    errors: list[type[Exception]] = [openai.APIError, OSError]
    for name in ("httpx2", "httpx"):
        try:
            errors.append(importlib.import_module(name).HTTPError)
        except ImportError:
            continue
    return tuple(errors)


def _backoff(error: Any, attempt: int) -> float:
    retry_after = getattr(getattr(error, "response", None), "headers", {}).get("retry-after", "")
    try:
        return min(float(retry_after), MOST_RETRY_AFTER_S)
    except ValueError:
        return BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)]


def _server_message(error: Any) -> str:
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        if message:
            return _short(str(message))
    return _short(getattr(error, "message", "") or str(error))


def _short(error: object, most: int = 160) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= most else text[: most - 1] + "…"
