"""The click application: groups read off the operation table, one command per generated method.

Nothing here names an operation. Groups list their commands from `sendmux.OPERATIONS` alone (``--help`` at
any group level imports no resource or model module); a command's options are built from its generated
method's signature only when that command is resolved.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import logging
import sys
from collections.abc import Callable, Mapping
from typing import IO, TYPE_CHECKING, Any, cast

import click

from .._version import __version__
from ._addresses import address_objects, looks_like_json
from ._bool_words import rewrite_bool_words
from ._clients import client_class
from ._credentials import Credentials, check_key, resolve
from ._errors import CLIError
from ._exit_codes import EXIT_INTERRUPTED, exit_code_for
from ._output import Format, Writer, write_binary
from ._profile_commands import profiles_group
from ._settings import CONTEXT_SETTINGS, FORMATS, OUTPUT_HELP, Settings, default_format
from ._signature import ParamInfo, describe_method, parse_docstring
from ._tree import SURFACE_CLIENTS, Node, build_tree, surface_of
from ._wait_command import wait_command
from ._words import cli_words

if TYPE_CHECKING:
    from .._operation import Operation

__all__ = ["CLIError", "cli", "command_clashes", "run"]


# Options every operation command has; an API parameter with one of these names is spelled `--arg-<name>`.
RESERVED = frozenset(
    {
        "output",
        "raw",
        "data",
        "all",
        "progress",
        "output-file",
        "api-key",
        "base-url",
        "profile",
        "verbose",
        "help",
    }
)


# -- the tree -------------------------------------------------------------------------------------------------


@functools.cache
def command_tree() -> Node:
    sendmux = importlib.import_module("..", __package__)  # the package this CLI belongs to, under any name

    root = build_tree(sendmux.OPERATIONS)
    root.child("webhooks")  # `webhooks verify` lives here even if no webhook operation does
    return root


def _resolve(root: Any, op: Operation) -> Any:
    obj = root
    for part in op.resource.split("."):
        obj = getattr(obj, part)
    return obj


def unbound_method(op: Operation) -> Callable[..., Any] | None:
    """The generated method of ``op``, found without a credential or a connection pool.

    Resource objects only hold their client, so an uninitialised client instance is enough to walk the
    (lazily imported) resource attributes down to the method and read its signature.
    """
    cls = client_class(surface_of(op))
    if cls is None:
        return None
    first, _, rest = op.resource.partition(".")
    attr = inspect.getattr_static(cls, first)
    getter = getattr(attr, "func", None) or getattr(attr, "fget", None)  # cached_property / property
    # A stand-in client: never a half-initialised real one, whose __del__ or properties could misfire.
    resource = getter(_NoClient()) if callable(getter) else getattr(object.__new__(cls), first)
    for part in rest.split(".") if rest else ():
        resource = getattr(resource, part)
    method: Callable[..., Any] = getattr(resource, op.method)
    return method


class _NoClient:
    """What resource objects hold while the CLI only reads their methods' signatures."""


def _group_help(node: Node) -> tuple[str, str]:
    ops = list(node.walk_ops())
    if node.surface is not None:
        client = SURFACE_CLIENTS.get(node.surface, "?")
        text = f"The {node.surface} API ({len(ops)} operations, client sendmux.{client})."
        return text, text
    names = sorted(node.ops) + [f"{n} …" for n in sorted(node.children)]
    text = f"{len(ops)} operation{'' if len(ops) == 1 else 's'}: {', '.join(names)}"
    return text, text


class OperationGroup(click.Group):
    """A group whose commands are the operation table's sub-resources and methods at this path."""

    def __init__(self, node: Node, extras: Mapping[str, click.Command] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("context_settings", CONTEXT_SETTINGS)
        super().__init__(**kwargs)
        self.node = node
        self.extras = dict(extras or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.node.children) | set(self.node.ops) | set(self.extras))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.extras:
            return self.extras[cmd_name]
        child = self.node.children.get(cmd_name)
        if child is not None:
            text, short = _group_help(child)
            return OperationGroup(child, EXTRAS.get(child.path), name=cmd_name, help=text, short_help=short)
        op = self.node.ops.get(cmd_name)
        if op is not None:
            return build_operation_command(op, cmd_name)
        return None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # From the table alone: listing a group must not import every resource module.
        rows: list[tuple[str, str]] = []
        for name in self.list_commands(ctx):
            if name in self.extras:
                rows.append((name, self.extras[name].get_short_help_str(80)))
            elif name in self.node.children:
                rows.append((name, _group_help(self.node.children[name])[1]))
            else:
                rows.append((name, self.node.ops[name].summary))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


# -- one operation --------------------------------------------------------------------------------------------


def read_json_value(text: str, what: str) -> Any:
    """JSON given inline, as ``@path`` or as ``-`` / ``@-`` (stdin)."""
    if text in ("-", "@-"):
        source = sys.stdin.read()
    elif text.startswith("@"):
        try:
            with open(text[1:], encoding="utf-8") as f:
                source = f.read()
        except OSError as exc:
            raise CLIError(f"{what}: cannot read {text[1:]!r}: {exc.strerror}") from exc
    else:
        source = text
    try:
        return json.loads(source)
    except ValueError as exc:
        raise CLIError(f"{what}: not valid JSON ({exc})") from exc


def _flag(info: ParamInfo) -> str:
    return f"arg-{info.flag}" if info.flag in RESERVED else info.flag


def _click_type(info: ParamInfo) -> click.ParamType[Any, Any]:
    if info.kind == "int":
        return click.INT
    if info.kind == "float":
        return click.FLOAT
    if info.kind == "choice":
        return click.Choice(info.choices)
    if info.kind == "file":
        return click.Path(exists=True, dir_okay=False, allow_dash=True)
    return click.STRING


def _option_help(info: ParamInfo) -> str:
    text = cli_words(info.help)
    if info.kind == "json":
        text += " (JSON, @file or - for stdin)"
    if info.kind == "file":
        text += " (a file path, or - for stdin)"
    if info.kind == "address":
        text += " (addr or 'Name <addr>'"
        text += ", comma-separated" if info.multiple else ""
        text += "; or JSON, @file, - for stdin)"
    if info.kind == "bool":
        text += f" (also --{_flag(info)} true|false)"
    if info.multiple:
        text += " (repeatable)"
    if info.required:
        text += " [required]"
    return text.strip()


class NonEmpty(click.ParamType):  # type: ignore[type-arg]
    """A path parameter: an empty one would address the collection instead (caught before sending)."""

    name = "text"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("must not be empty", param, ctx)
        return value


def _click_param(info: ParamInfo) -> click.Parameter:
    if info.positional:
        kind = NonEmpty() if info.kind in ("str", "json") else _click_type(info)
        return click.Argument([info.name], type=kind, required=True)
    flag = _flag(info)
    if info.kind == "bool":
        return click.Option([f"--{flag}/--no-{flag}", info.name], default=None, help=_option_help(info))
    metavar = {"json": "JSON", "file": "PATH", "address": "ADDRESS"}.get(info.kind)
    return click.Option(
        [f"--{flag}", info.name],
        type=_click_type(info),
        multiple=info.multiple,
        default=None,
        metavar=metavar,
        help=_option_help(info),
    )


def _common_options(op: Operation, infos: list[ParamInfo]) -> list[click.Parameter]:
    response = getattr(op, "response", "envelope")
    params: list[click.Parameter] = [
        click.Option(["-o", "--output", "cli_output"], type=click.Choice(FORMATS), help=OUTPUT_HELP),
    ]
    if any(not i.positional for i in infos):
        params.append(
            click.Option(
                ["--data", "cli_data"],
                metavar="JSON",
                help="The arguments as one JSON object (inline, @file or - for stdin); options override it.",
            )
        )
    if op.paginated:
        params.append(
            click.Option(["--all", "cli_all"], is_flag=True, help="Follow the cursor through every page.")
        )
        params.append(
            click.Option(
                ["--progress/--no-progress", "cli_progress"],
                default=None,
                help="A progress line on stderr during --all (default: when stderr is a terminal).",
            )
        )
    if response == "binary":
        params.append(
            click.Option(
                ["--output-file", "cli_output_file"],
                type=click.Path(dir_okay=False, writable=True),
                help="Write the bytes to this file (default: stdout, when it is not a terminal).",
            )
        )
    if response not in ("binary", "events", "feed"):
        params.append(
            click.Option(
                ["--raw", "cli_raw"],
                is_flag=True,
                help="Print the status line, headers and body as received.",
            )
        )
    params.extend(_connection_options())
    return params


_API_KEY_HELP = "API key or OAuth token; first in the credential order (see `sendmux --help`)."
_PROFILE_HELP = "Use this saved profile's key and base URL (see `sendmux profiles --help`)."
_BASE_URL_HELP = "API base URL (default: the profile's, else from the environment, else the API's own)."


def _connection_options() -> list[click.Parameter]:
    return [
        click.Option(["--api-key", "cli_api_key"], metavar="KEY", help=_API_KEY_HELP),
        click.Option(["--profile", "cli_profile"], metavar="NAME", help=_PROFILE_HELP),
        click.Option(["--base-url", "cli_base_url"], metavar="URL", help=_BASE_URL_HELP),
        click.Option(
            ["-v", "--verbose", "cli_verbose"],
            is_flag=True,
            help="Log each request to stderr (never the key).",
        ),
    ]


def _command_help(method: Callable[..., Any], infos: list[ParamInfo]) -> str:
    _, head, _ = parse_docstring(method.__doc__)
    args = [i for i in infos if i.positional]
    if args:
        lines = "\n".join(f"  {i.name.upper()}  {i.help}".rstrip() for i in args)
        head += f"\n\n\b\nArguments:\n{lines}"
    return head


class OperationCommand(click.Command):
    """One operation; on/off options also read ``--x true`` / ``--x=false`` (see `rewrite_bool_words`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        flags: dict[str, str] = {}
        takes_value: set[str] = set()
        for param in self.params:
            if not isinstance(param, click.Option):
                continue
            if param.is_flag and param.secondary_opts:
                flags.update(dict.fromkeys(param.opts, param.secondary_opts[0]))
            elif not param.is_flag and not param.count:
                takes_value.update(param.opts)
        try:
            args = rewrite_bool_words(args, flags, takes_value)
        except ValueError as exc:
            raise CLIError(str(exc)) from exc
        return super().parse_args(ctx, args)


def build_operation_command(op: Operation, name: str) -> click.Command:
    method = unbound_method(op)
    if method is None:
        surface = surface_of(op)

        def missing() -> None:
            raise CLIError(f"this version of sendmux has no client for the {surface} API")

        return click.Command(name, callback=missing, help=op.summary, short_help=op.summary)
    infos = describe_method(method)

    def callback(**values: Any) -> int:
        return invoke_operation(click.get_current_context(), op, infos, values)

    params = [_click_param(i) for i in infos] + _common_options(op, infos)
    return OperationCommand(
        name,
        callback=callback,
        params=params,
        help=_command_help(method, infos),
        short_help=op.summary,
        context_settings=CONTEXT_SETTINGS,
    )


def _settings(ctx: click.Context, values: dict[str, Any]) -> Settings:
    base = ctx.find_object(Settings) or Settings()
    return Settings(
        api_key=values.pop("cli_api_key", None) or base.api_key,
        base_url=values.pop("cli_base_url", None) or base.base_url,
        profile=values.pop("cli_profile", None) or base.profile,
        timeout=base.timeout,
        max_retries=base.max_retries,
        verbose=bool(values.pop("cli_verbose", False)) or base.verbose,
        output=values.pop("cli_output", None) or base.output,
    )


def _address_value(info: ParamInfo, value: Any, what: str, *, json_text: bool) -> Any:
    """Address text (``addr``, ``Name <addr>``, comma-separated) as the API's address objects, one or a list as
    the method takes them; JSON objects pass through (``json_text``: an option's text may be JSON, @file, -)."""
    items: list[Any] = []
    for text in value if isinstance(value, list | tuple) else [value]:
        if not isinstance(text, str):
            items.append(text)
        elif json_text and looks_like_json(text):
            parsed = read_json_value(text, what)
            items.extend(parsed if isinstance(parsed, list) else [parsed])
        else:
            try:
                items.extend(address_objects(text, null_name=info.null_name))
            except ValueError as exc:
                raise CLIError(f"{what}: {exc}") from exc
    if info.multiple:
        return items
    if len(items) != 1:
        raise CLIError(f"{what}: expected one address, got {len(items)}")
    return items[0]


def build_arguments(
    infos: list[ParamInfo], values: dict[str, Any], data: Any
) -> tuple[list[Any], dict[str, Any]]:
    """Positional and keyword arguments of the method from parsed options and an optional ``--data`` object."""
    names = {i.name: i for i in infos if not i.positional}
    kwargs: dict[str, Any] = {}
    if data is not None:
        if not isinstance(data, dict):
            raise CLIError(f"--data: expected a JSON object, got {type(data).__name__}")
        for key, value in data.items():
            # JSON names are the Python names, but for a trailing `_` on keywords (`from` -> `from_`).
            name = next((n for n in (key, f"{key}_", key.replace("-", "_")) if n in names), None)
            if name is None:
                known = ", ".join(sorted(i.rstrip("_") for i in names))
                raise CLIError(f"--data: unknown field {key!r} (known: {known})")
            if names[name].kind == "address":
                value = _address_value(names[name], value, f"--data: field {key!r}", json_text=False)
            kwargs[name] = value
    args: list[Any] = []
    for info in infos:
        value = values.get(info.name)
        if info.positional:
            args.append(value)
            continue
        if value is None or (info.multiple and not value):
            continue
        if info.kind == "json":
            value = read_json_value(value, f"--{_flag(info)}")
        elif info.kind == "address":
            value = _address_value(info, value, f"--{_flag(info)}", json_text=True)
        elif info.kind == "file" and value == "-":
            value = sys.stdin.buffer
        elif info.multiple:
            value = list(value)
        kwargs[info.name] = value
    missing = [f"--{_flag(i)}" for i in infos if i.required and not i.positional and i.name not in kwargs]
    if missing:
        raise CLIError(f"missing option {', '.join(missing)} (give it as an option or in --data)")
    return args, kwargs


def _verbose_setup(op: Operation, credentials: Credentials) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("sendmux: %(message)s"))
    log = logging.getLogger("sendmux")
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    # The source of the credential, never any part of it.
    click.echo(
        f"sendmux: {op.http_method} {op.path} ({op.operation_id}); credential from {credentials.source}",
        err=True,
    )


def credentials_for(cls: type[Any], op: Operation, settings: Settings) -> Credentials:
    """The key and base URL for ``op``, in the documented order, checked before anything is sent."""
    api = surface_of(op)
    surface = getattr(cls, "_surface", None)
    credentials = resolve(
        api, surface, api_key=settings.api_key, profile=settings.profile, base_url=settings.base_url
    )
    if surface is not None:
        check_key(api, surface, credentials)
    return credentials


def make_client(cls: type[Any], credentials: Credentials, settings: Settings) -> Any:
    kwargs: dict[str, Any] = {}
    if credentials.api_key:
        kwargs["api_key"] = credentials.api_key
    if credentials.base_url:
        kwargs["base_url"] = credentials.base_url
    if settings.timeout is not None:
        kwargs["timeout"] = settings.timeout
    if settings.max_retries is not None:
        kwargs["max_retries"] = settings.max_retries
    return cls(**kwargs)


def invoke_operation(
    ctx: click.Context, op: Operation, infos: list[ParamInfo], values: dict[str, Any]
) -> int:
    settings = _settings(ctx, values)
    raw = bool(values.pop("cli_raw", False))
    all_pages = bool(values.pop("cli_all", False))
    progress = values.pop("cli_progress", None)
    output_file = values.pop("cli_output_file", None)
    data_text = values.pop("cli_data", None)
    data = read_json_value(data_text, "--data") if data_text is not None else None
    args, kwargs = build_arguments(infos, values, data)

    out = sys.stdout
    err = sys.stderr
    fmt = cast(Format, settings.output or default_format(out))
    response = getattr(op, "response", "envelope")
    if response == "binary" and output_file is None and sys.stdout.isatty():
        raise CLIError("binary response: give --output-file PATH or redirect stdout")
    writer = Writer(fmt, out, err, progress=err.isatty() if progress is None else progress)

    cls = client_class(surface_of(op))
    assert cls is not None  # the command exists only when the client does
    credentials = credentials_for(cls, op, settings)
    if settings.verbose:
        _verbose_setup(op, credentials)
    with make_client(cls, credentials, settings) as client:
        resource = _resolve(client, op)
        target = getattr(resource.with_raw_response if raw else resource, op.method)
        try:
            result = target(*args, **kwargs)
        except (TypeError, ValueError) as exc:
            if type(exc).__module__.startswith("sendmux"):
                raise
            # The runtime checks arguments before sending; its TypeError/ValueError names the argument.
            raise CLIError(str(exc)) from exc
        if raw:
            _write_raw(result, out)
        elif response == "events":
            with _closing(result):
                writer.events(result)
        elif response == "feed":
            with _closing(result):
                writer.feed(result)
        elif response == "binary":
            with _closing(result):
                if output_file is not None:
                    result.write_to_file(output_file)
                else:
                    write_binary(result, sys.stdout.buffer)
        elif op.paginated and all_pages:
            writer.pages(result.iter_pages())
        elif op.paginated:
            writer.page(result)
        else:
            writer.value(result)
    return 0


class _closing:
    """``with`` for results that may or may not be context managers (streams, downloads)."""

    def __init__(self, thing: Any) -> None:
        self.thing = thing

    def __enter__(self) -> Any:
        return self.thing

    def __exit__(self, *exc: object) -> None:
        close = getattr(self.thing, "close", None)
        if callable(close):
            close()


def _write_raw(raw: Any, out: IO[str]) -> None:
    out.write(f"HTTP {raw.status_code}\n")
    for key, value in raw.headers.multi_items():
        out.write(f"{key}: {value}\n")
    out.write("\n")
    out.write(raw.content.decode("utf-8", "replace"))
    out.write("\n")
    out.flush()


# -- commands that are not operations ------------------------------------------------------------------------


@click.command(
    "fake",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
    short_help="Run the embedded fake Sendmux server (--detach / --env-file for scripts).",
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def fake_command(args: tuple[str, ...]) -> int:
    """Run the embedded fake Sendmux server on 127.0.0.1; `sendmux fake --help` lists its options."""
    from ..testing.__main__ import main as fake_main

    return fake_main(list(args), prog="sendmux fake")


@click.command("verify", context_settings=CONTEXT_SETTINGS)
@click.option(
    "--secret",
    "secrets",
    multiple=True,
    envvar="SENDMUX_WEBHOOK_SECRET",
    required=True,
    help="The subscription's secret (whsec_...); repeat for the old and new secret after a rotation. "
    "Default: $SENDMUX_WEBHOOK_SECRET (safer than the command line).",
)
@click.option("--signature", metavar="VALUE", help="The X-Sendmux-Signature header (sha256=...).")
@click.option(
    "-H",
    "--header",
    "headers",
    multiple=True,
    metavar="'NAME: VALUE'",
    help="A header of the delivery (repeatable).",
)
@click.option(
    "--payload",
    type=click.File("rb"),
    default="-",
    show_default=True,
    help="The raw request body, byte for byte (default: stdin).",
)
def verify_command(
    secrets: tuple[str, ...], signature: str | None, headers: tuple[str, ...], payload: IO[bytes]
) -> int:
    """Verify a webhook delivery read from stdin and print its event as JSON.

    Exits 0 when the signature matches and the body is a valid event; 6 otherwise, with the reason on stderr.
    """
    from ..webhooks import SIGNATURE_HEADER, construct_event

    header_map: dict[str, str] = {}
    for line in headers:
        key, sep, value = line.partition(":")
        if not sep or not key.strip():
            raise CLIError(f"--header: expected 'Name: value', got {line!r}")
        header_map[key.strip()] = value.strip()
    if signature is not None:
        header_map[SIGNATURE_HEADER] = signature
    event = construct_event(payload.read(), header_map, list(secrets))
    click.echo("sendmux: signature valid", err=True)
    Writer("json", sys.stdout, sys.stderr).value(
        {
            "event_id": event.event_id,
            "event_type": event.event_type,
            "delivery_attempt": event.delivery_attempt,
            "payload": event.payload,
        }
    )
    return 0


@click.command("completion", context_settings=CONTEXT_SETTINGS, short_help="Print a shell completion script.")
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion_command(shell: str) -> None:
    """Print the shell completion script, e.g. `eval "$(sendmux completion bash)"` in ~/.bashrc."""
    from click.shell_completion import get_completion_class

    comp_cls = get_completion_class(shell)
    assert comp_cls is not None
    click.echo(comp_cls(cli, {}, "sendmux", "_SENDMUX_COMPLETE").source())


def _mailbox_client(ctx: click.Context, values: dict[str, Any]) -> tuple[Any, Settings]:
    """A Mailbox client for a hand-written command, its credential resolved as `messages list`'s would be."""
    settings = _settings(ctx, values)
    node = command_tree().find(("mailbox", "messages"))
    op = node.ops.get("list") if node is not None else None
    cls = client_class("mailbox")
    if op is None or cls is None:
        raise CLIError("this version of sendmux has no client for the mailbox API")
    credentials = credentials_for(cls, op, settings)
    if settings.verbose:
        _verbose_setup(op, credentials)
    return make_client(cls, credentials, settings), settings


EXTRAS: dict[tuple[str, ...], dict[str, click.Command]] = {
    (): {"fake": fake_command, "completion": completion_command, "profiles": profiles_group},
    ("webhooks",): {"verify": verify_command},
    ("mailbox", "messages"): {
        "wait": wait_command(_mailbox_client, _connection_options(), OperationCommand),
    },
}
"""Hand-written commands by the group path they sit in; a name here hides a generated command of that name,
so `command_clashes` (run by the tests) must find none."""


def command_clashes(root: Node, extras: Mapping[tuple[str, ...], Mapping[str, click.Command]]) -> list[str]:
    """Hand-written commands whose name a generated command or group at the same path also has."""
    clashes: list[str] = []
    for path, commands in extras.items():
        node = root.find(path)
        if node is None:
            continue
        taken = set(node.children) | set(node.ops)
        clashes.extend(" ".join((*path, name)) for name in sorted(commands) if name in taken)
    return clashes


# -- the root -----------------------------------------------------------------------------------------------


class RootGroup(OperationGroup):
    def __init__(self, **kwargs: Any) -> None:
        # The tree is built on first use, not at import: `--version` needs no operation table.
        super().__init__(Node(), EXTRAS[()], **kwargs)

    def _load(self) -> None:
        if not self.node.children and not self.node.ops:
            self.node = command_tree()

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._load()
        return super().get_command(ctx, cmd_name)


ROOT_HELP = """Every operation of the Sendmux APIs as a command, generated from sendmux.OPERATIONS.

\b
  sendmux domains list --all -o jsonl      Management API: sendmux <resource...> <method>
  sendmux domains get mdom_123 -o table
  sendmux mailbox messages list            Mailbox API: sendmux mailbox <resource...> <method>
  sendmux sending emails send --help       Sending API: sendmux sending <resource...> <method>

Credentials, first found wins: --api-key, --profile NAME, the API's variable (SENDMUX_API_KEY,
SENDMUX_MAILBOX_API_KEY, SENDMUX_SENDING_API_KEY), SENDMUX_PROFILE, the default profile (see `sendmux profiles
--help`). Base URL: --base-url, else the profile's, else the API's SENDMUX_…_BASE_URL (not with a profile), else
the API's own. On/off options take --x / --no-x or --x true|false.

Exit status: 0 ok, 2 usage, 3 configuration, 4 connection, 5 timeout, 6 webhook verification, 10-22 one per
API error class (see the README), 23 `mailbox messages wait` saw nothing match in time, 1 anything else.
"""


@click.group(cls=RootGroup, help=ROOT_HELP, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="sendmux", message="%(prog)s %(version)s")
@click.option("--api-key", metavar="KEY", help=_API_KEY_HELP)
@click.option("--profile", metavar="NAME", help=_PROFILE_HELP)
@click.option("--base-url", metavar="URL", help=_BASE_URL_HELP)
@click.option("--timeout", type=float, metavar="SECONDS", help="Per-request timeout.")
@click.option("--max-retries", type=click.IntRange(min=0), help="Retries on failures that are safe to retry.")
@click.option("-o", "--output", type=click.Choice(FORMATS), help=OUTPUT_HELP)
@click.option("-v", "--verbose", is_flag=True, help="Log each request to stderr (never the key).")
@click.pass_context
def cli(
    ctx: click.Context,
    api_key: str | None,
    profile: str | None,
    base_url: str | None,
    timeout: float | None,
    max_retries: int | None,
    output: str | None,
    verbose: bool,
) -> None:
    ctx.obj = Settings(
        api_key=api_key,
        base_url=base_url,
        profile=profile,
        timeout=timeout,
        max_retries=max_retries,
        verbose=verbose,
        output=output,
    )


def _error_line(exc: BaseException) -> str:
    from .._errors import APIStatusError, ConfigurationError

    if isinstance(exc, APIStatusError):
        return str(exc)  # "<status> <code>: <message> (request_id=...)", one line
    text = cli_words(" ".join(str(exc).split()))
    # The CLI's own configuration errors already say what to do, in its words; others keep their class name.
    name = "ConfigurationError" if isinstance(exc, ConfigurationError) else type(exc).__name__
    return f"{name}: {text}" if text else name


def run(argv: list[str] | None = None) -> int:
    """Run the command line; the exit status."""
    try:
        rv = cli.main(args=argv, prog_name="sendmux", standalone_mode=False)
        return rv if isinstance(rv, int) else 0
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (click.Abort, KeyboardInterrupt):
        click.echo("", err=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as the shell's own tools do.
        _silence_stdout()
        return 141
    except Exception as exc:
        from .._errors import SendmuxError

        if not isinstance(exc, SendmuxError):
            raise
        click.echo(f"sendmux: error: {_error_line(exc)}", err=True)
        return exit_code_for(exc)


def _silence_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
