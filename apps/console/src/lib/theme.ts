// Theme choice: "light" | "dark", stored in localStorage, defaulting to the OS preference.

export type Theme = 'light' | 'dark';

export const THEME_STORAGE_KEY = 'tern-theme';

/**
 * Runs inline in <head> before the first paint, so the page never flashes the wrong theme.
 * A constant: it contains no data from users or the API.
 */
export const THEME_INIT_SCRIPT = `(function(){try{var t=localStorage.getItem('${THEME_STORAGE_KEY}');if(t!=='light'&&t!=='dark'){t=window.matchMedia('(prefers-color-scheme: dark)').matches?'dark':'light'}document.documentElement.setAttribute('data-theme',t)}catch(e){document.documentElement.setAttribute('data-theme','light')}})()`;
