// What replaces a secret wherever the tool would otherwise show or store one.
export const MASK = '<masked by metallb-doctor>';
