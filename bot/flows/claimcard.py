"""What a resident without a smartphone of their own takes home after a phone intake: a
printable card (PNG: their name as they like it, their kwartiermaker's name, the QR code of
their personal link, the four-digit code, one line in their language), and a text ready to
send by SMS to a family member's phone.

Drawn with Pillow; its wheels bring HarfBuzz and FriBiDi (raqm), so Arabic is shaped and laid
out right to left. The DejaVu Sans font ships with the bot (``bot/assets/fonts``): a slim
Docker image has no fonts of its own.
"""

from __future__ import annotations

import io
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont

from bot.i18n import Translator

FONTS = Path(__file__).resolve().parent.parent / "assets" / "fonts"
WIDTH, HEIGHT = 1240, 874  # A6 landscape at 300 dpi
MARGIN = 60
INK, SOFT = (20, 20, 20), (90, 90, 90)


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")),
                              size)


def _fit(draw: ImageDraw.ImageDraw, text: str, width: int, size: int, bold: bool = False
         ) -> ImageFont.FreeTypeFont:
    """The largest font up to ``size`` in which ``text`` fits ``width``."""
    while size > 18:
        font = _font(size, bold)
        if draw.textlength(text, font=font) <= width:
            return font
        size -= 4
    return _font(size, bold)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont,
          width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def card_lines(theirs: Translator, name: str, organiser: str, pin: str) -> list[str]:
    """The card's words, in the resident's language (also what a test reads)."""
    return [theirs.gettext("Your answers for SAMENredzaam are ready."),
            theirs.gettext("Written down with {organiser}.").format(organiser=organiser),
            theirs.gettext("Scan the square with a phone camera. Then type this code:"),
            pin]


def card_png(theirs: Translator, name: str, organiser: str, link: str, pin: str) -> bytes:
    """The printable card: white, large type, the QR code on the left."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    qr_buf = io.BytesIO()
    segno.make(link, error="m").save(qr_buf, kind="png", scale=12, border=2)
    qr = Image.open(io.BytesIO(qr_buf.getvalue())).convert("RGB")
    side = HEIGHT - 2 * MARGIN - 120
    image.paste(qr.resize((side, side), Image.NEAREST), (MARGIN, MARGIN + 60))
    draw.rectangle((4, 4, WIDTH - 5, HEIGHT - 5), outline=SOFT, width=3)  # a cutting line
    heading, written, scan, code = card_lines(theirs, name, organiser, pin)
    left, width = MARGIN + side + 50, WIDTH - (MARGIN + side + 50) - MARGIN
    rtl = theirs.language.rtl
    direction = "rtl" if rtl else "ltr"

    def put(y: int, text: str, font: ImageFont.FreeTypeFont, fill=INK,
            flow: str = direction) -> int:
        x = left + width if rtl else left
        draw.text((x, y), text, font=font, fill=fill, anchor="ra" if rtl else "la",
                  direction=flow)
        return y + font.size + 16

    def paragraph(y: int, text: str, size: int, fill=INK) -> int:
        """Wrapped at words, never smaller than a size an older reader can read."""
        font = _font(size)
        for line in _wrap(draw, text, font, width):
            y = put(y, line, font, fill)
        return y + 8

    y = MARGIN
    y = put(y, name, _fit(draw, name, width, 84, bold=True))
    y = paragraph(y, heading, 34, SOFT)
    y = paragraph(y, written, 34, SOFT)
    y += 12
    y = paragraph(y, scan, 34)
    put(y + 4, " ".join(code), _font(110, bold=True), flow="ltr")  # digits read left to right
    draw.text((MARGIN, HEIGHT - MARGIN - 30), "SAMENredzaam · samenbot", font=_font(28),
              fill=SOFT)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(300, 300))
    return out.getvalue()


def sms_text(theirs: Translator, name: str, organiser: str, link: str, pin: str) -> str:
    """Short enough for one or two SMS messages; no formatting."""
    return " ".join([
        theirs.gettext("Hello {name}! {organiser} wrote down your answers for SAMENredzaam.")
        .format(name=name, organiser=organiser),
        theirs.gettext("Open this link in Telegram: {link}").format(link=link),
        theirs.gettext("Your code: {code}").format(code=pin)])
