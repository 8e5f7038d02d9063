"""CA workbench: make a CA, CSRs, certificates (good or broken on purpose), write them safely."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from cryptography import x509
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import (
    Button,
    Checkbox,
    Header,
    Input,
    Label,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

import tlsexplorer.core.ca.build as ca
from tlsexplorer.core.ca.form import (
    DEFAULT_KEY_TYPE,
    FOLDER_LABELS,
    FORM_FIELDS,
    CaForm,
    FormAction,
    form_action,
    parse_form,
)
from tlsexplorer.core.ca.recipes import Recipe, recipe_for
from tlsexplorer.core.ca.store import (
    LoadedCa,
    Product,
    WrittenFile,
    build_csr,
    build_intermediate,
    build_leaf,
    build_root,
    build_signed,
    ca_key_is_encrypted,
    load_ca,
    save,
)
from tlsexplorer.core.errors import TlsxError
from tlsexplorer.core.files import read_file
from tlsexplorer.render.ca import headline, openssl_view, product_view, python_view
from tlsexplorer.tui.explorers import EXPLORERS
from tlsexplorer.tui.screens.base import ExplorerScreen
from tlsexplorer.tui.screens.ca_revoke import RevokeTab
from tlsexplorer.tui.widgets.confirm import ConfirmOverwrite
from tlsexplorer.tui.widgets.footer import KeyFooter

ACTIONS: tuple[tuple[str, str], ...] = (
    ("Root CA", "root"),
    ("Intermediate CA", "intermediate"),
    ("Server certificate", "server"),
    ("Client certificate", "client"),
    ("OCSP signer (delegated)", "ocsp-signer"),
    ("Key + signing request (CSR)", "csr"),
    ("Sign a CSR", "sign"),
)
"""What the form can make: (menu text, id)."""

FIELDS = FORM_FIELDS
"""Which form rows each action shows (core's :data:`~tlsexplorer.core.ca.form.FORM_FIELDS`)."""

INTRO = (
    "[b]A local CA whose certificates real clients accept.[/b]\n\n"
    "Choose what to make on the left, fill in the fields and press [b]ctrl+s[/b]. The defaults are "
    "what strict clients want: critical basic constraints and key usage, EKU on leaves, key "
    "identifiers, the CN in the SAN, a random 20-byte serial, SHA-256, 397 days for a leaf.\n\n"
    "The [b]openssl[/b] and [b]Python[/b] tabs show the same action done by hand. "
    "The break-it lab (Flaw) makes certificates that are wrong on purpose; they open in the Chain "
    "screen to see them fail. Files are written atomically, keys with mode 0600, and nothing is "
    "replaced without asking."
)


TRUST_INTRO = (
    "Name a CA folder (or make a CA) to see how to make browsers trust it: the commands per platform, "
    "with its real path and name, and the commands that undo it. The workbench runs none of them."
)


def _input(field: str, placeholder: str = "", *, password: bool = False) -> Input:
    return Input(placeholder=placeholder, id=field, password=password, compact=True)


@dataclass(frozen=True)
class Job:
    """A validated form: everything the worker needs."""

    action: str
    """root, intermediate, server, client, csr or sign."""
    build: Callable[[], tuple[Product, Recipe]]
    """Makes the product and its recipe (slow: key generation)."""


class CaScreen(ExplorerScreen):
    """The CA workbench: a form on the left, the result and its recipes on the right."""

    EXPLORER_ID = "ca"
    TITLE = "CA workbench"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "make", "Make & save"),
        Binding("ctrl+g", "download", "Download", tooltip="get the files just written into the browser"),
        Binding("ctrl+o", "inspect", "Inspector"),
        Binding("ctrl+t", "chain", "Check in Chain"),
        Binding("ctrl+y", "copy_python", "Copy Python"),
        Binding("ctrl+l", "copy_openssl", "Copy openssl"),
    ]
    DEFAULT_CSS = """
    CaScreen #ca-body { height: 1fr; }
    CaScreen #ca-form { width: 48; border-right: solid $primary-background; padding: 0 1; }
    CaScreen .row { height: auto; margin-bottom: 0; }
    /* 18: the longest label ("Parent CA folder", "Bundle password") and a gap before its field */
    CaScreen .row Label { width: 18; padding-right: 1; color: $text-muted; }
    CaScreen .row Input, CaScreen .row Select { width: 1fr; }
    CaScreen .field-error { color: $error; padding-left: 18; height: auto; display: none; }
    CaScreen .field-error.-shown { display: block; }
    CaScreen .field-warning { color: $warning; padding-left: 18; height: auto; display: none; }
    CaScreen .field-warning.-shown { display: block; }
    CaScreen .hidden { display: none; }
    CaScreen #make { width: 100%; margin-top: 1; }
    CaScreen #status { height: auto; padding: 0 1; }
    CaScreen #status.-error { color: $error; }
    CaScreen #ca-result { width: 1fr; }
    CaScreen TabPane { padding: 0 1; }
    /* The Revoke tab works on a CA folder of its own field: the form would only take its room. */
    CaScreen.-revoking #ca-form { display: none; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.key_source: Callable[[ca.KeyType], ca.PrivateKey] | None = None
        """Fixed key material (screenshots); None makes fresh keys."""
        self.serial: int | None = None
        """Fixed serial number (screenshots); None makes random ones."""
        self.last: tuple[Product, tuple[WrittenFile, ...], Recipe] | None = None
        """The last thing made and saved, its files and its recipe."""
        self.workdir: Path | None = None
        """The folder relative paths in the form are taken from, and written paths are shown
        relative to (None: the current folder). Scenes set a private temporary folder."""

    # Layout ------------------------------------------------------------------------

    def _row(self, field: str, label: str, widget: Any) -> ComposeResult:
        with Horizontal(classes="row", id=f"row-{field}"):
            yield Label(label, id=f"label-{field}")
            yield widget
        yield Static("", classes="field-error", id=f"err-{field}")

    def compose(self) -> ComposeResult:
        """Form, status line and result tabs."""
        yield Header()
        with Horizontal(id="ca-body"):
            with VerticalScroll(id="ca-form"):
                yield from self._row("action", "Make", Select(
                    [(text, value) for text, value in ACTIONS], value="server", allow_blank=False,
                    id="action", compact=True))
                yield from self._row("folder", "CA folder", _input("folder", "e.g. myca"))
                yield from self._row("newdir", "New CA folder", _input("newdir", "e.g. myca-issuing"))
                yield from self._row("csr-file", "CSR file", _input("csr-file", "e.g. requests/www.csr.pem"))
                yield from self._row("name", "Name (CN)", _input("name", "e.g. localhost"))
                yield from self._row("org", "Organisation", _input("org", "(optional)"))
                yield from self._row("ou", "Org. unit", _input("ou", "(optional)"))
                yield from self._row("country", "Country", _input("country", "(optional) e.g. US"))
                yield from self._row("state", "State", _input("state", "(optional)"))
                yield from self._row("locality", "Locality", _input("locality", "(optional)"))
                yield from self._row("sans", "SANs", _input("sans", "e.g. 127.0.0.1, www.example.net"))
                yield from self._row("key-type", "Key type", Select(
                    [(k, k) for k in ca.KEY_TYPES], value=DEFAULT_KEY_TYPE, allow_blank=False, id="key-type",
                    compact=True))
                yield Static("", classes="field-warning", id="warn-key-type")
                yield from self._row("days", "Days", _input("days"))
                yield from self._row("not-before", "Not before", _input("not-before", "now, or ISO 8601"))
                yield from self._row("not-after", "Not after", _input("not-after", "or an ISO 8601 end"))
                yield from self._row("path-len", "Path length", _input("path-len", "(no limit)"))
                yield from self._row("permit", "Permit names",
                                     _input("permit", "e.g. example.net, 10.0.0.0/8"))
                yield from self._row("exclude", "Exclude names", _input("exclude", "(optional)"))
                yield from self._row("flaw", "Flaw (lab)", Select(
                    [("none (a good one)", "none")] + [(kind, kind) for kind in ca.FLAWS],
                    value="none", allow_blank=False, id="flaw", compact=True))
                yield from self._row("encrypt", "Key passphrase",
                                     Checkbox("encrypt the new key", id="encrypt", compact=True))
                yield from self._row("password", "Passphrase", _input("password", password=True))
                yield from self._row("password2", "Again", _input("password2", password=True))
                yield from self._row("p12", "PKCS#12",
                                     Checkbox("also write a .p12 bundle", id="p12", compact=True))
                yield from self._row("p12-password", "Bundle password", _input("p12-password", password=True))
                yield from self._row("ca-password", "CA passphrase",
                                     _input("ca-password", "(if the CA key is encrypted)", password=True))
                yield Button("Make & save (ctrl+s)", id="make", variant="success")
                yield Static("", id="status")
            with TabbedContent(id="ca-result"):
                with TabPane("Result", id="tab-result"), VerticalScroll():
                    yield Static(INTRO, id="result")
                with TabPane("openssl", id="tab-openssl"), VerticalScroll():
                    yield Static("Make something to see the openssl commands.", id="openssl")
                with TabPane("Python", id="tab-python"), VerticalScroll():
                    yield Static("Make something to see the Python code.", id="python")
                with TabPane("Trust", id="tab-trust"), VerticalScroll():
                    yield Static(TRUST_INTRO, id="trust")
                yield RevokeTab(lambda: self.workdir)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Show the rows of the default action; the cursor starts in the folder field."""
        self._show_rows()
        self.query_one("#folder", Input).focus()

    # Form ----------------------------------------------------------------------------

    @property
    def action(self) -> FormAction:
        """The selected action id."""
        return form_action(str(self.query_one("#action", Select).value))

    def _show_rows(self) -> None:
        action = self.action
        shown = set(FIELDS[action]) | {"action"}
        encrypt = self.query_one("#encrypt", Checkbox).value
        if "encrypt" in shown and encrypt:
            shown |= {"password", "password2"}
        if "p12" in shown and self.query_one("#p12", Checkbox).value:
            shown.add("p12-password")
        for row in self.query(".row"):
            field = (row.id or "").removeprefix("row-")
            row.set_class(field not in shown, "hidden")
        self.query_one("#label-folder", Label).update(FOLDER_LABELS[action])
        self.query_one("#label-name", Label).update("Common name" if action in ("root", "intermediate")
                                                    else "Name (CN)")
        self.query_one("#name", Input).placeholder = ("e.g. ocsp-responder" if action == "ocsp-signer"
                                                      else "e.g. localhost")
        default_days = ca.DEFAULT_CA_DAYS if action in ("root", "intermediate") else ca.DEFAULT_LEAF_DAYS
        # An intermediate's default ends with its parent's (ca_store.build_intermediate caps it).
        cap = ", ≤ parent" if action == "intermediate" else ""
        self.query_one("#days", Input).placeholder = f"default {default_days}{cap}"
        self._clear_errors()

    @on(Select.Changed, "#action")
    @on(Checkbox.Changed)
    def _form_changed(self) -> None:
        self._show_rows()

    @on(TabbedContent.TabActivated, "#ca-result")
    def _result_tab_shown(self, event: TabbedContent.TabActivated) -> None:
        revoking = event.pane.id == "tab-revoke"
        self.set_class(revoking, "-revoking")
        if revoking:
            self.query_one(RevokeTab).shown()

    @on(Input.Changed, "#folder")
    def _follow_folder(self, event: Input.Changed) -> None:
        self.query_one(RevokeTab).follow_folder(event.value)

    @on(Select.Changed, "#action")
    @on(Select.Changed, "#key-type")
    def _key_type_changed(self) -> None:
        """Warn, before anything is made, when browsers refuse the key type for a TLS server."""
        from tlsexplorer.core.x509.browsers import server_key_problem

        server = self.action in ("server", "csr")
        key_type = str(self.query_one("#key-type", Select).value)
        problem = server_key_problem(key_type, short=True) if server else None
        warning = self.query_one("#warn-key-type", Static)
        warning.update(Text(f"⚠ {problem}") if problem else "")
        warning.set_class(problem is not None, "-shown")

    @on(Input.Changed, "#folder")
    def _folder_changed(self, event: Input.Changed) -> None:
        self.show_trust(event.value)

    def show_trust(self, folder: str) -> None:
        """The Trust tab for the CA folder at hand (the intro when it is not one)."""
        from tlsexplorer.core.ca.trust_help import trust_help
        from tlsexplorer.render.ca import trust_view

        path = Path(folder) if not self.workdir or Path(folder).is_absolute() else self.workdir / folder
        view = self.query_one("#trust", Static)
        if not folder or not (path / "ca.pem").is_file():
            view.update(TRUST_INTRO)
            return
        try:
            view.update(trust_view(trust_help(path)))
        except TlsxError as exc:
            view.update(Text(f"{path}: {exc}", style="red"))

    def _clear_errors(self) -> None:
        for err in self.query(".field-error"):
            assert isinstance(err, Static)
            err.update("")
            err.remove_class("-shown")

    def _set_error(self, field: str, message: str) -> None:
        err = self.query_one(f"#err-{field}", Static)
        err.update(f"↑ {message}")
        err.add_class("-shown")

    def _status(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(Text(message))
        status.set_class(error, "-error")

    def validate_form(self) -> tuple[dict[str, str], Job | None]:
        """Check the form with core's rules; returns (errors by field, job when there are none)."""
        values = {field: widget.value for widget in self.query(Input) if (field := widget.id)}
        for field in ("key-type", "flaw"):
            values[field] = str(self.query_one(f"#{field}", Select).value)
        parsed = parse_form(self.action, values, encrypt=self.query_one("#encrypt", Checkbox).value,
                            p12=self.query_one("#p12", Checkbox).value)
        if not isinstance(parsed, CaForm):
            return parsed, None
        form = parsed
        now = self.host.now()
        key_source, serial, workdir = self.key_source, self.serial, self.workdir

        def at(path: str) -> str:
            if workdir is None or not path or Path(path).is_absolute():
                return path
            return str(workdir / path)

        def new_key() -> ca.PrivateKey | None:
            return key_source(form.key_type) if key_source is not None else None

        def loaded(directory: str) -> tuple[LoadedCa, bool]:
            encrypted = ca_key_is_encrypted(directory)
            return load_ca(directory, form.ca_password if encrypted else None), encrypted

        def build() -> tuple[Product, Recipe]:
            folder, newdir, csr_file = at(form.folder), at(form.newdir), at(form.csr_file)
            if form.action == "root":
                product = build_root(folder, form.ca_request(serial), now, new_key())
                return product, recipe_for(product, now, out_dir=Path(folder))
            if form.action == "intermediate":
                parent, encrypted = loaded(folder)
                product = build_intermediate(parent, newdir, form.ca_request(serial), now, new_key())
                return product, recipe_for(product, now, ca_dir=Path(folder), out_dir=Path(newdir),
                                           ca_key_encrypted=encrypted)
            if form.action in ("server", "client", "ocsp-signer"):
                issuer, encrypted = loaded(folder)
                product = build_leaf(issuer, form.leaf_request(serial), now, new_key())
                return product, recipe_for(product, now, ca_dir=Path(folder), ca_key_encrypted=encrypted)
            if form.action == "csr":
                product = build_csr(folder, form.name, form.sans, form.key_type, form.password, form.org,
                                    new_key())
                return product, recipe_for(product, now, out_dir=Path(folder))
            issuer, encrypted = loaded(folder)
            product = build_signed(issuer, read_file(csr_file, 1024 * 1024), now, days=form.days,
                                   not_before=form.not_before, not_after=form.not_after)
            return product, recipe_for(product, now, ca_dir=Path(folder), csr_path=Path(csr_file),
                                       ca_key_encrypted=encrypted)

        return {}, Job(form.action, build)

    # Actions -------------------------------------------------------------------------

    @on(Button.Pressed, "#make")
    def _make_pressed(self) -> None:
        self.action_make()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_make()

    def action_make(self) -> None:
        """Validate the form; when it is fine, make the thing in a worker."""
        self._clear_errors()
        errors, job = self.validate_form()
        for field, message in errors.items():
            self._set_error(field, message)
        if job is None:
            self._status(f"{len(errors)} field{'s' if len(errors) != 1 else ''} to fix", error=True)
            return
        self._status("working… (generating keys)")
        self._run_job(job)

    @work(thread=True, exclusive=True, group="ca-make", exit_on_error=False)
    def _run_job(self, job: Job) -> None:
        try:
            product, recipe = job.build()
            existing = product.existing()
        except TlsxError as exc:
            self.app.call_from_thread(self._status, str(exc), error=True)
            return
        except Exception as exc:  # a bug of ours must not take the app down
            self.app.call_from_thread(self._status, f"unexpected error: {exc}", error=True)
            return
        if existing:
            self.app.call_from_thread(self._confirm_overwrite, product, recipe, existing)
            return
        # Written here, in the worker: the CA folder's lock may make it wait for another tlsexplorer.
        self._write(product, recipe, force=False)

    def _confirm_overwrite(self, product: Product, recipe: Recipe, existing: list[Path]) -> None:
        def answered(replace: bool | None) -> None:
            if replace:
                self._status("writing… (waiting for the CA folder if another tlsexplorer is writing it)")
                self._replace(product, recipe)
            else:
                self._status("nothing was written; the existing files are kept")

        self.app.push_screen(ConfirmOverwrite(existing), answered)

    @work(thread=True, exclusive=True, group="ca-make", exit_on_error=False)
    def _replace(self, product: Product, recipe: Recipe) -> None:
        self._write(product, recipe, force=True)

    def _write(self, product: Product, recipe: Recipe, *, force: bool) -> None:
        """Write the product's files (in a worker thread) and show the result on the UI thread."""
        try:
            written = save(product, force=force)
        except TlsxError as exc:
            self.app.call_from_thread(self._status, str(exc), error=True)
            return
        self.app.call_from_thread(self._saved, product, written, recipe)

    def _saved(self, product: Product, written: tuple[WrittenFile, ...], recipe: Recipe) -> None:
        self.show_result(product, written, recipe)
        self._record(product, written)
        self._next_step()
        self._status(f"wrote {len(written)} file{'s' if len(written) != 1 else ''}: {headline(product)}")
        if product.flaw is not None and self._has("chain"):
            self.action_chain()

    def _record(self, product: Product, written: tuple[WrittenFile, ...]) -> None:
        """Tell the course what was made: the form's action, the SANs, whether the key is encrypted."""
        import tlsexplorer.core.x509.safe as safe
        from tlsexplorer.core.x509.naming import general_name

        sans: list[str] = []
        extensions = safe.extensions(product.certificate) if product.certificate is not None else None
        if isinstance(extensions, x509.Extensions):
            for extension in extensions:
                if isinstance(extension.value, x509.SubjectAlternativeName):
                    sans = [general_name(name).partition(":")[2] for name in extension.value]
        folder = written[0].path.parent if written else None
        self.host.record("ca.made", action=str(self.action), sans=",".join(sans),
                         key_encrypted=bool(product.key_encrypted), folder=str(folder or ""))

    def _next_step(self) -> None:
        """After a CA is made, the form starts from it: the CA just made is the CA folder of what
        comes next (an intermediate's own folder, not its parent's), and its name is not carried
        into the next certificate."""
        action = self.action
        if action not in ("root", "intermediate"):
            return
        if action == "intermediate":
            newdir = self.query_one("#newdir", Input)
            self.query_one("#folder", Input).value = newdir.value
            newdir.value = ""
        self.query_one("#name", Input).value = ""
        self.show_trust(self.query_one("#folder", Input).value)

    def show_result(self, product: Product, written: tuple[WrittenFile, ...], recipe: Recipe) -> None:
        """Show a product, its files and its recipe."""
        self.last = (product, written, recipe)
        base = self.workdir or Path.cwd()
        self.query_one("#result", Static).update(product_view(product, written, base=base))
        self.query_one("#openssl", Static).update(openssl_view(recipe))
        self.query_one("#python", Static).update(python_view(recipe))
        self.query_one("#ca-result", TabbedContent).active = "tab-result"

    @staticmethod
    def _has(explorer_id: str) -> bool:
        return any(item.id == explorer_id for item in EXPLORERS)

    def action_inspect(self) -> None:
        """Open the last certificate (or CSR) in the Inspector."""
        if self.last is None:
            self.notify("Make something first (ctrl+s).", severity="warning")
            return
        if not self._has("inspector"):
            self.notify("The Inspector is not available in this build.", severity="warning")
            return
        from tlsexplorer.tui.payloads import OpenFiles

        written = self.last[1]
        paths = [w.path for w in written if w.kind in ("certificate", "csr")]
        self.host.open_explorer("inspector", OpenFiles(tuple(paths[:1])))

    def action_chain(self) -> None:
        """Build and verify the last certificate's chain in the Chain screen."""
        if self.last is None or self.last[0].certificate is None:
            self.notify("Issue a certificate first (ctrl+s).", severity="warning")
            return
        if not self._has("chain"):
            self.notify("The Chain screen is not available in this build.", severity="warning")
            return
        from tlsexplorer.tui.payloads import VerifyChain

        product = self.last[0]
        assert product.certificate is not None
        payload = VerifyChain(
            leaf=ca.certificate_pem(product.certificate),
            intermediates=ca.certificate_pem(*product.intermediates),
            roots=ca.certificate_pem(*product.roots),
            host=product.host if product.action in ("issue", "sign") else None,
            label=headline(product),
        )
        self.host.open_explorer("chain", payload)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Download is offered only in a browser (``tlsexplorer web``): in a terminal the files are here."""
        if action == "download":
            return self.host.served
        return True

    def action_download(self) -> None:
        """Send the files just written (certificate, key, chain...) from the serving machine."""
        if self.last is None:
            self.notify("Make something first (ctrl+s), then download its files.", severity="warning")
            return
        from tlsexplorer.tui.served import deliver_files

        written = self.last[1]
        try:
            sent = deliver_files(self.app, [w.path for w in written], written[0].path.name.split(".")[0])
        except TlsxError as exc:
            self.notify(str(exc), title="Download failed", severity="error")
            return
        self.notify(f"{sent}, read from the serving machine", title="Downloading")

    def _copy(self, which: str) -> None:
        if self.last is None:
            self.notify("Make something first (ctrl+s).", severity="warning")
            return
        recipe = self.last[2]
        text = recipe.python if which == "Python" else "\n".join(recipe.openssl)
        self.app.copy_to_clipboard(text)
        self.notify(f"{which} copied to the clipboard ({len(text.splitlines())} lines).")

    def action_copy_python(self) -> None:
        """Copy the Python script."""
        self._copy("Python")

    def action_copy_openssl(self) -> None:
        """Copy the openssl commands."""
        self._copy("openssl")


__all__ = ["ACTIONS", "FIELDS", "CaScreen", "Job"]
