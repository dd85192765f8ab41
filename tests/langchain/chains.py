"""The chain most tests trace: prompt | EchoChatModel | StrOutputParser, and what its trace looks like."""

from __future__ import annotations

from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable, RunnableConfig
from typing_extensions import Unpack

from portkey_ai.langchain import PortkeyCallbackHandler
from tests.langchain.fakes import EchoChatModel

PROMPT = ChatPromptTemplate.from_messages([("system", "Answer briefly."), ("user", "{question}")])


def llm_line(question: str) -> str:
    """The rendered model span for `PROMPT` and `question` (usage counts words: 2 system + question / echo)."""
    words = len(question.split())
    prompt, completion = 2 + words, 1 + words
    return f"EchoChatModel [llm] tokens={prompt}+{completion}={prompt + completion}"


def chain_render(question: str) -> str:
    """The rendered trace of `make_chain()` for `question`."""
    return f"RunnableSequence [chain]\n├── ChatPromptTemplate [prompt]\n├── {llm_line(question)}\n└── StrOutputParser [parser]"


def make_chain() -> Runnable[dict[str, str], str]:
    """A fresh prompt | model | parser chain."""
    return PROMPT | EchoChatModel() | StrOutputParser()


def config(handler: PortkeyCallbackHandler, **extra: Unpack[RunnableConfig]) -> RunnableConfig:
    """A run config with `handler` as (inheritable) callback."""
    settings = RunnableConfig(**extra)
    settings["callbacks"] = [handler]
    return settings
