import '@fontsource/noto-sans/400.css';
import '@fontsource/noto-sans-lao/400.css';
import '@fontsource/noto-sans-thai/400.css';
import '@fontsource/noto-sans-khmer/400.css';
import '@fontsource/noto-sans-sc/400.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
