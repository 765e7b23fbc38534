// Saves text as a file on the user's device. The blob URL lives only for the click.
export function downloadText(filename: string, text: string, type = 'text/plain;charset=utf-8'): void {
  // A file without an extension (`credentials`) goes as octet-stream, or browsers add ".txt".
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function credentialsFile(id: string, secret: string): string {
  return `[DEFAULT]\nTWOFOLD_ACCESS_KEY_ID = ${id}\nTWOFOLD_SECRET_ACCESS_KEY = ${secret}\n`;
}

export function recoveryCodeFile(email: string, code: string): string {
  return [
    'Twofold recovery code',
    '',
    `Account: ${email}`,
    `Recovery code: ${code}`,
    '',
    'Use it on the sign-in page under "Can\'t access two-factor device" if you lose your',
    'authenticator app or phone. It works once and turns two-factor authentication off.',
    `Saved: ${new Date().toISOString().slice(0, 10)}`,
    '',
  ].join('\n');
}
