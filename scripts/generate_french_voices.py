#!/usr/bin/env python3
"""Generate the captcha's French digit recordings once, with eSpeak NG (apt-get install espeak-ng).

    python3 scripts/generate_french_voices.py

Writes webapp/captcha/voices/fr/<digit>/espeak-fr.wav in the format the captcha library mixes: 8 kHz,
mono, 8-bit unsigned PCM. The files are committed; the portal never runs eSpeak NG itself.
"""
import audioop  # noqa: the module is deprecated from Python 3.13; this one-off script runs on 3.11
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

VOICES = Path(__file__).resolve().parent.parent / "webapp" / "captcha" / "voices" / "fr"
WORDS = {"0": "zéro", "1": "un", "2": "deux", "3": "trois", "4": "quatre", "5": "cinq", "6": "six", "7": "sept",
         "8": "huit", "9": "neuf"}
RATE = 8000


def speak(word, path):
    with tempfile.NamedTemporaryFile(suffix=".wav") as raw:
        subprocess.run(["espeak-ng", "-v", "fr", "-s", "140", "-w", raw.name, word], check=True)
        with wave.open(raw.name) as source:
            frames = source.readframes(source.getnframes())
            width, rate, channels = source.getsampwidth(), source.getframerate(), source.getnchannels()
    if channels == 2:
        frames = audioop.tomono(frames, width, 0.5, 0.5)
    frames, _state = audioop.ratecv(frames, width, 1, rate, RATE, None)
    frames = audioop.bias(audioop.lin2lin(frames, width, 1), 1, 128)  # 8-bit WAV samples are unsigned
    frames = trimmed(frames)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(RATE)
        out.writeframes(frames)


def trimmed(frames, threshold=6, margin=160):
    """Without eSpeak's leading and trailing silence (the library spaces the digits itself)."""
    loud = [i for i, sample in enumerate(frames) if abs(sample - 128) > threshold]
    if not loud:
        return frames
    return frames[max(0, loud[0] - margin):loud[-1] + margin]


def main():
    for digit, word in WORDS.items():
        folder = VOICES / digit
        folder.mkdir(parents=True, exist_ok=True)
        speak(word, folder / "espeak-fr.wav")
        print(folder / "espeak-fr.wav", file=sys.stderr)


if __name__ == "__main__":
    main()
