/**
 * Asks for the API key in a modal dialog (focus moves into it and returns after; Escape cancels). The form's own
 * validation (required, 16 characters at least, as API_KEYS demands) holds the dialog open until the key could be
 * one. Resolves the key, or null when cancelled.
 */
export function keyPrompt(dialog: HTMLDialogElement): (reason: string) => Promise<string | null> {
  const input = dialog.querySelector('input') as HTMLInputElement;
  const reasonText = dialog.querySelector('#key-dialog-reason') as HTMLElement;
  const cancel = dialog.querySelector('#key-cancel') as HTMLButtonElement;
  cancel.addEventListener('click', () => dialog.close(''));
  return (reason) =>
    new Promise((resolve) => {
      reasonText.textContent = `${reason} It is kept for this tab only.`;
      input.value = '';
      dialog.returnValue = '';
      // A submit through the "Use key" button closes the dialog with that button's value.
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'save' ? input.value.trim() : null), { once: true });
      dialog.showModal();
      input.focus();
    });
}
